import Foundation
import GRDB
import Journal
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

/// The raw bytes of the journal database and its write-ahead log, as a thief copying the folder gets them.
func rawJournalBytes(_ fixture: JournalFixture) throws -> Data {
    var bytes = Data()
    for suffix in ["", "-wal"] {
        let url = fixture.directory.appendingPathComponent("journal.sqlite" + suffix)
        if FileManager.default.fileExists(atPath: url.path) { bytes.append(try Data(contentsOf: url)) }
    }
    return bytes
}

func contains(_ haystack: Data, _ needle: String) -> Bool {
    haystack.range(of: Data(needle.utf8)) != nil
}

@Suite struct ConfidentialityTests {
    static let secrets = [
        "Бекзатқа мұғалім ұрды",  // words (kk)
        "Шалтай-Болтай сидел на стене",  // words (ru)
        "Quetzalcoatl behind the gym",  // words (en)
        "Жұлдызай Мақсатқызы",  // names
        "Вольдемар Ксенофонтов",  // names
        "11Ы",  // class, deliberately unusual
        "+7 777 314 15 92",  // contact
        "zhuldyzai.secret@example.kz",  // contact
        "Сводка: Чебурашка и крокодил",  // summary
    ]

    @Test func noWordsNamesClassContactOrSummaryReachTheDiskInTheClear() async throws {
        let fixture = try JournalFixture()
        // One registered from a form report, one still waiting in the inbox, one that came by phone.
        let formReport = sampleReport(
            "Бекзатқа мұғалім ұрды", language: .kk, classOrGrade: "11Ы", names: "Жұлдызай Мақсатқызы",
            contact: "zhuldyzai.secret@example.kz")
        let waiting = sampleReport("Quetzalcoatl behind the gym", language: .en, names: "Вольдемар Ксенофонтов")
        let spool = try fixture.spool()
        try await fixture.submit([formReport, waiting], to: spool)
        _ = try await fixture.session.pull(spool: spool, now: { fixedNow })
        let formRecord = try #require(
            try fixture.session.inbox(now: fixedNow).first { $0.report == formReport }?.record)
        var registration = Registration(report: formReport)
        registration.summary = "Сводка: Чебурашка и крокодил"
        _ = try fixture.session.register(report: formRecord.shortID, registration, now: fixedNow)
        let call = try fixture.session.register(
            report: nil,
            Registration(
                channel: .phone, reporterRole: .parent, types: [.psychological],
                words: "Шалтай-Болтай сидел на стене", names: "Вольдемар Ксенофонтов", contact: "+7 777 314 15 92",
                receivedAt: date("2026-11-22T05:00:00Z")),
            now: fixedNow)
        _ = try fixture.session.showEntry(call.record.number, now: fixedNow)
        _ = try fixture.session.entries(now: fixedNow)

        let bytes = try rawJournalBytes(fixture)
        // The search does see text stored in the clear (the lead's name is), so a miss below means something.
        #expect(contains(bytes, leadName))
        for secret in Self.secrets {
            #expect(!contains(bytes, secret), "\(secret) is readable in the journal's files")
        }
    }

    @Test func sealedFieldsSwappedBetweenEntriesDoNotOpen() throws {
        let fixture = try JournalFixture()
        let first = try fixture.session.register(report: nil, phoneCall("Первая запись"), now: fixedNow)
        let second = try fixture.session.register(report: nil, phoneCall("Вторая запись"), now: fixedNow)
        try fixture.tamper { db in
            let a = try Data.fetchOne(
                db, sql: "SELECT sealed FROM entry_field WHERE entry_id = ? AND name = 'words'",
                arguments: [first.record.id!])
            let b = try Data.fetchOne(
                db, sql: "SELECT sealed FROM entry_field WHERE entry_id = ? AND name = 'words'",
                arguments: [second.record.id!])
            try db.execute(
                sql: "UPDATE entry_field SET sealed = ? WHERE entry_id = ? AND name = 'words'",
                arguments: [b, first.record.id!])
            try db.execute(
                sql: "UPDATE entry_field SET sealed = ? WHERE entry_id = ? AND name = 'words'",
                arguments: [a, second.record.id!])
        }
        #expect(throws: JournalError.damaged("field words of entry 2026/27-001")) {
            try fixture.session.showEntry(first.record.number, now: fixedNow)
        }
        #expect(throws: JournalError.damaged("field words of entry 2026/27-002")) {
            try fixture.session.showEntry(second.record.number, now: fixedNow)
        }
    }

    @Test func sealedFieldsSwappedWithinAnEntryDoNotOpen() throws {
        // Same entry, same data key: only the binding of each field to its name stops the swap.
        let fixture = try JournalFixture()
        var registration = phoneCall("Слова ребёнка")
        registration.names = "Имя обидчика"
        let entry = try fixture.session.register(report: nil, registration, now: fixedNow)
        try fixture.tamper { db in
            let id = entry.record.id!
            for (from, to) in [("words", "swap"), ("names", "words"), ("swap", "names")] {
                try db.execute(
                    sql: "UPDATE entry_field SET name = ? WHERE entry_id = ? AND name = ?", arguments: [to, id, from])
            }
        }
        let error = #expect(throws: JournalError.self) {
            try fixture.session.showEntry(entry.record.number, now: fixedNow)
        }
        guard case .damaged(let what) = error else {
            Issue.record("expected damaged, got \(String(describing: error))")
            return
        }
        #expect(what.hasSuffix(" of entry 2026/27-001"))
    }

    @Test func anEntryKeyMovedToAnotherEntryDoesNotOpenItsFields() throws {
        let fixture = try JournalFixture()
        let first = try fixture.session.register(report: nil, phoneCall("Первая"), now: fixedNow)
        let second = try fixture.session.register(report: nil, phoneCall("Вторая"), now: fixedNow)
        try fixture.tamper { db in
            let key = try Data.fetchOne(
                db, sql: "SELECT sealed FROM entry_key WHERE entry_id = ?", arguments: [first.record.id!])
            try db.execute(
                sql: "UPDATE entry_key SET sealed = ? WHERE entry_id = ?", arguments: [key, second.record.id!])
        }
        #expect(throws: JournalError.damaged("field words of entry 2026/27-002")) {
            try fixture.session.showEntry(second.record.number, now: fixedNow)
        }
        #expect(try fixture.session.showEntry(first.record.number, now: fixedNow).fields == [.words: "Первая"])
    }

    @Test func aMemberWithoutAKeyForAnEntryCannotReadIt() throws {
        let fixture = try JournalFixture()
        try fixture.addMember("Дина Психолог", role: .specialist, passphrase: "TEST ONLY specialist passphrase")
        let entry = try fixture.session.register(report: nil, phoneCall("Только для ведущей"), now: fixedNow)
        let specialist = try fixture.journal.unlock(
            member: "Дина Психолог", passphrase: Passphrase("TEST ONLY specialist passphrase"), now: fixedNow)
        // The specialist sees that the entry exists, not what it says.
        #expect(try specialist.findEntry(entry.record.number, now: fixedNow) == entry.record)
        #expect(throws: JournalError.noKeyForEntry(entry.record.number)) {
            try specialist.showEntry(entry.record.number, now: fixedNow)
        }
    }

    @Test func theDirectorGetsAKeyForEveryNewEntry() throws {
        let fixture = try JournalFixture()
        try fixture.addMember("Ерлан Директор", role: .director, passphrase: "TEST ONLY director passphrase")
        let entry = try fixture.session.register(report: nil, phoneCall("Директор должен видеть"), now: fixedNow)
        let director = try fixture.journal.unlock(
            member: "Ерлан Директор", passphrase: Passphrase("TEST ONLY director passphrase"), now: fixedNow)
        let shown = try director.showEntry(entry.record.number, now: fixedNow)
        #expect(shown.fields == [.words: "Директор должен видеть"])
    }

    @Test func losingTheEntryKeyRowLosesAccess() throws {
        let fixture = try JournalFixture()
        let entry = try fixture.session.register(report: nil, phoneCall("Ключ пропал"), now: fixedNow)
        try fixture.tamper { db in
            try db.execute(sql: "DELETE FROM entry_key WHERE entry_id = ?", arguments: [entry.record.id!])
        }
        #expect(throws: JournalError.noKeyForEntry(entry.record.number)) {
            try fixture.session.showEntry(entry.record.number, now: fixedNow)
        }
    }

    @Test func anAlteredInboxCopyIsReportedAsDamaged() throws {
        let fixture = try JournalFixture()
        let records = try fixture.collect([sampleReport("Первое"), sampleReport("Второе")])
        try fixture.tamper { db in
            // The first report's sealed copy put under the second report's ID.
            try db.execute(
                sql: "UPDATE report SET sealed_payload = (SELECT sealed_payload FROM report WHERE id = ?) WHERE id = ?",
                arguments: [records[0].id, records[1].id])
        }
        // The other report still lists; the damaged one is listed as unreadable, and does not open.
        let items = try fixture.session.inbox(now: fixedNow)
        #expect(items.compactMap(\.report?.text) == ["Первое"])
        let damaged = try #require(items.first { $0.record.id == records[1].id })
        #expect(damaged.report == nil)
        #expect(damaged.record.unreadableReason?.contains("senim journal verify") == true)
        #expect(try fixture.session.inbox(now: fixedNow, includeUnreadable: false).count == 1, "not in the queue")
        #expect(throws: JournalError.damaged("report \(records[1].shortID)")) {
            try fixture.session.show(report: records[1].shortID, now: fixedNow)
        }
    }
}
