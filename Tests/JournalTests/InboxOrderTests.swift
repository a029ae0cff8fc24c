import Foundation
import GRDB
import ReportFormat
import TestSupport
import Testing

@testable import Journal

@Suite struct InboxOrderTests {
    @Test func urgentComeFirstGravestReasonFirstThenOldestAndUnreadableLast() throws {
        let fixture = try JournalFixture()
        let sent = [
            sampleReport("Plain, oldest", language: .en, hour: "2026-11-20T01:00:00Z"),
            sampleReport("Plain, newer", language: .en, hour: "2026-11-20T02:00:00Z"),
            sampleReport("He brought a knife to class", language: .en, hour: "2026-11-20T05:00:00Z"),
            sampleReport("He showed a knife again", language: .en, hour: "2026-11-20T00:00:00Z"),
            sampleReport("Please come now", language: .en, hour: "2026-11-20T06:00:00Z", inDanger: true),
            sampleReport("Please come, it is happening", language: .en, hour: "2026-11-20T04:00:00Z", inDanger: true),
            sampleReport("My friend", language: .en, hour: "2026-11-20T03:00:00Z", what: [.selfHarm]),
        ]
        let entries = try sent.map { try sealedEntry($0, to: fixture.servicePublicKey()) }
        let unreadable = [rawEntry(Array("garbage one".utf8)), rawEntry(Array("garbage two".utf8))]
        // Hand them over shuffled, unreadable ones first, so the order cannot come from insertion.
        _ = try fixture.session.importEnvelopes(unreadable + entries.reversed(), now: fixedNow)

        let inbox = try fixture.session.inbox(now: fixedNow)
        #expect(
            inbox.prefix(7).map { $0.report?.text } == [
                "Please come, it is happening",  // danger now, 04:00
                "Please come now",  // danger now, 06:00
                "My friend",  // self-harm ticked on the form
                "He showed a knife again",  // words only, 00:00
                "He brought a knife to class",  // words only, 05:00
                "Plain, oldest",
                "Plain, newer",
            ])
        #expect(inbox.count == 9)
        #expect(inbox.suffix(2).allSatisfy { $0.report == nil && $0.record.state == .unreadable })

        // The listing opens only first lines, in the same order.
        let lines = try fixture.session.inboxLines(now: fixedNow)
        #expect(lines.map(\.record.id) == inbox.map(\.record.id))
        #expect(lines.map(\.firstLine) == inbox.map { $0.report?.text })
    }

    @Test func urgencyReasonsAreStoredInGravityOrder() throws {
        let fixture = try JournalFixture()
        let record = try #require(
            try fixture.collect([
                sampleReport(
                    "Он сказал, что принесёт нож и хочет покончить с собой", what: [.sexual, .selfHarm], inDanger: true)
            ]).first)
        #expect(
            record.urgency == [.dangerNow, .selfHarm, .sexualViolence, .wordsSuicide, .wordsWeapons])
        #expect(record.urgentReasons == "danger-now,self-harm,sexual-violence,words-suicide,words-weapons")
    }

    @Test func aRegisteredReportLeavesTheInbox() throws {
        let fixture = try JournalFixture()
        let records = try fixture.collect([sampleReport("Первое"), sampleReport("Второе")])
        let first = try fixture.session.show(report: records[0].shortID, now: fixedNow)
        _ = try fixture.session.register(
            report: records[0].shortID, Registration(report: try #require(first.report)), now: fixedNow)
        #expect(try fixture.session.inbox(now: fixedNow).map { $0.report?.text } == ["Второе"])
        #expect(try fixture.session.inboxLines(now: fixedNow).map(\.firstLine) == ["Второе"])
        let previews = try fixture.writer.read { db in
            try Data.fetchAll(db, sql: "SELECT id FROM report WHERE sealed_preview IS NOT NULL")
        }
        #expect(previews == [records[1].id], "the registered report's first line is gone with its words")
    }
}

@Suite struct InboxLineTests {
    @Test(arguments: [
        ("  \n\t Первая строка  \nвторая", "Первая строка"),
        ("одна", "одна"),
        ("\n \nтолько третья", "только третья"),
        (String(repeating: "ж", count: 500), String(repeating: "ж", count: 200)),
        ("👩‍👧 мама\nпапа", "👩‍👧 мама"),
    ])
    func theListingKeepsTheFirstLineWithTextCutTo200Characters(text: String, expected: String) throws {
        let fixture = try JournalFixture()
        _ = try fixture.collect([sampleReport(text)])
        #expect(try fixture.session.inboxLines(now: fixedNow).map(\.firstLine) == [expected])
    }

    @Test func reportsPulledBeforeFirstLinesWereKeptAreStillListed() throws {
        let fixture = try JournalFixture()
        _ = try fixture.collect([sampleReport("Старый отчёт\nбез первой строки")])
        try fixture.tamper { db in
            // As a journal from before v7-inbox-preview holds it: no first line, and the row's fingerprint as a
            // v6 event recorded it (without the column), so that the row is as the log recorded it.
            try db.execute(sql: "UPDATE report SET sealed_preview = NULL")
            let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM report"))
            let rowID = try #require(try Int64.fetchOne(db, sql: "SELECT rowid FROM report"))
            let recorded = try #require(
                Ledger.digest(table: "report", rowID: rowID, row: row, before: "v7-inbox-preview"))
            try db.execute(sql: "DROP TRIGGER event_row_append_only_update")
            try db.execute(
                sql: "UPDATE event_row SET digest = ? WHERE tbl = 'report' AND row_id = ?",
                arguments: [recorded, rowID])
        }
        #expect(try fixture.session.inboxLines(now: fixedNow).map(\.firstLine) == ["Старый отчёт"])
    }

    @Test func aDamagedFirstLineIsListedAsUnreadableAndHidesNothingElse() throws {
        let fixture = try JournalFixture()
        let records = try fixture.collect([sampleReport("Первый"), sampleReport("Второй")])
        try fixture.tamper { db in
            try db.execute(
                sql: "UPDATE report SET sealed_preview = zeroblob(60) WHERE id = ?", arguments: [records[0].id])
        }
        let lines = try fixture.session.inboxLines(now: fixedNow)
        #expect(lines.map(\.firstLine) == ["Второй", nil])
        #expect(lines.last?.record.unreadableReason?.contains("journal verify") == true)
        #expect(try fixture.session.inboxLines(now: fixedNow, includeUnreadable: false).map(\.firstLine) == ["Второй"])
    }
}
