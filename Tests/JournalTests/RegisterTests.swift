import Foundation
import GRDB
import Journal
import ReportFormat
import TestSupport
import Testing

extension JournalFixture {
    /// Collects one report and registers it with what the form says.
    @discardableResult
    func registerReport(_ sent: Report, now: Date = fixedNow) throws -> EntryDetail {
        let record = try #require(try collect([sent], now: now).first)
        return try session.register(report: record.shortID, Registration(report: sent), now: now)
    }
}

@Suite struct RegisterResultTests {
    @Test func registeringReturnsTheEntryAsAReadOfItShowsIt() throws {
        let fixture = try JournalFixture()
        var registration = Registration(report: sampleReport("Меня толкают на перемене"))
        registration.summary = "Толкают на перемене, 6 «Б»"
        registration.classOrGrade = "6 «Б»"
        let registered = try fixture.registerReport(sampleReport("Меня толкают на перемене"))
        let returned = try fixture.session.register(report: nil, registration, now: fixedNow)
        for entry in [registered, returned] {
            let read = try fixture.session.showEntry(entry.record.number, now: fixedNow)
            #expect(entry.record == read.record)
            #expect(entry.fields == read.fields)
            #expect(entry.registeredBy == read.registeredBy && entry.access == read.access)
        }
        #expect(returned.fields[.classOrGrade] == "6 «Б»")
    }
}

@Suite struct EntryNumberTests {
    @Test func numbersRunInOrderWithinAnAcademicYear() throws {
        let fixture = try JournalFixture()
        let numbers = try (1...3).map { index in
            try fixture.registerReport(sampleReport("Сообщение \(index)", hour: "2026-11-2\(index)T03:00:00Z")).record
        }
        #expect(numbers.map(\.number) == ["2026/27-001", "2026/27-002", "2026/27-003"])
        #expect(numbers.map(\.sequence) == [1, 2, 3])
        #expect(numbers.allSatisfy { $0.academicYear == "2026/27" })
    }

    @Test func theYearTurnsAtMidnightOnTheFirstOfSeptemberInAlmaty() throws {
        // Almaty has been UTC+5 since March 2024; a test machine with older time zone data would say UTC+6.
        let almaty = try #require(TimeZone(identifier: "Asia/Almaty"))
        #expect(almaty.secondsFromGMT(for: date("2027-08-31T19:00:00Z")) == 5 * 3600)

        let fixture = try JournalFixture()
        // 23:59 on 31 August in Almaty.
        let lastMinute = try fixture.session.register(
            report: nil, phoneCall("Поздний звонок", receivedAt: date("2027-08-31T18:59:00Z")), now: fixedNow)
        // 00:00 on 1 September in Almaty, still 31 August in UTC.
        let firstMinute = try fixture.session.register(
            report: nil, phoneCall("Ранний звонок", receivedAt: date("2027-08-31T19:00:00Z")), now: fixedNow)
        #expect(lastMinute.record.number == "2026/27-001")
        #expect(firstMinute.record.number == "2027/28-001")
    }

    @Test func aFormReportReceivedOnTheEveningOfThe31stUTCBelongsToTheNewYear() throws {
        let fixture = try JournalFixture()
        // 20:00 UTC on 31 August is 01:00 on 1 September in Almaty.
        let entry = try fixture.registerReport(sampleReport("Вечернее сообщение", hour: "2027-08-31T20:00:00Z"))
        #expect(entry.record.academicYear == "2027/28")
        #expect(entry.record.number == "2027/28-001")
        #expect(entry.record.receivedAt == "2027-08-31T20:00:00Z")
    }

    @Test func eachAcademicYearKeepsItsOwnCounter() throws {
        let fixture = try JournalFixture()
        let registered = try [
            "2027-05-10T05:00:00Z", "2027-09-10T05:00:00Z", "2027-06-10T05:00:00Z", "2027-10-10T05:00:00Z",
        ].map { stamp in
            try fixture.session.register(report: nil, phoneCall("Звонок", receivedAt: date(stamp)), now: fixedNow)
        }
        #expect(registered.map(\.record.number) == ["2026/27-001", "2027/28-001", "2026/27-002", "2027/28-002"])
    }

    @Test func aNumberIsNeverGivenTwiceEvenIfItsEntryDisappears() throws {
        let fixture = try JournalFixture()
        _ = try fixture.session.register(report: nil, phoneCall("Первый"), now: fixedNow)
        let second = try fixture.session.register(report: nil, phoneCall("Второй"), now: fixedNow)
        // Someone removes the last entry's row behind the journal's back, as `sqlite3` would (foreign keys off).
        // (Its fields stay: had they gone too, the next registration's fields would take their row IDs, which
        // `LaunderingTests` shows is refused.)
        try fixture.tamper(foreignKeys: false) { db in
            try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [second.record.id!])
        }
        let third = try fixture.session.register(report: nil, phoneCall("Третий"), now: fixedNow)
        #expect(third.record.number == "2026/27-003")
    }

    @Test func aRefusedRegistrationUsesNoNumber() throws {
        let fixture = try JournalFixture()
        let record = try #require(try fixture.collect([sampleReport("Дважды")]).first)
        let first = try fixture.session.register(
            report: record.shortID, Registration(report: sampleReport("Дважды")), now: fixedNow)
        #expect(throws: JournalError.alreadyRegistered(report: record.shortID, number: first.record.number)) {
            try fixture.session.register(
                report: record.shortID, Registration(report: sampleReport("Дважды")), now: fixedNow)
        }
        let next = try fixture.session.register(report: nil, phoneCall("Следующий"), now: fixedNow)
        #expect(next.record.number == "2026/27-002")
    }
}

@Suite struct RegisterTests {
    @Test func registeringTheSameReportTwiceIsRefused() throws {
        let fixture = try JournalFixture()
        let sent = sampleReport("Меня бьют в раздевалке")
        let record = try #require(try fixture.collect([sent]).first)
        let entry = try fixture.session.register(report: record.shortID, Registration(report: sent), now: fixedNow)

        #expect(throws: JournalError.alreadyRegistered(report: record.shortID, number: entry.record.number)) {
            try fixture.session.register(report: record.hexID, Registration(report: sent), now: fixedNow)
        }
        #expect(throws: JournalError.alreadyRegistered(report: record.shortID, number: entry.record.number)) {
            try fixture.session.show(report: record.shortID, now: fixedNow)
        }
        #expect(try fixture.session.entries(now: fixedNow).count == 1)
    }

    @Test func aRegisteredReportIsLinkedAndItsInboxCopyIsDropped() throws {
        let fixture = try JournalFixture()
        let sent = sampleReport("Меня бьют в раздевалке", what: [.physical])
        let entry = try fixture.registerReport(sent)
        let record = try fixture.session.findReport(hex(try #require(entry.record.reportID)))
        #expect(record.state == .registered)
        #expect(record.entryID == entry.record.id)
        #expect(record.sealedPayload == nil)
        #expect(entry.record.channel == .webForm)
        #expect(entry.record.crueltyTypes == [.physical])
        #expect(entry.record.reporterRole == .studentOther)
        #expect(entry.record.status == "registered")
        #expect(entry.record.registeredAt == "2026-11-23T09:00:00Z")
        #expect(entry.registeredBy == leadName)
    }

    @Test func aFormReportKeepsItsUrgency() throws {
        let fixture = try JournalFixture()
        let entry = try fixture.registerReport(sampleReport("Он принёс нож", inDanger: true))
        #expect(entry.record.urgentReasons == "danger-now,words-weapons")
        #expect(entry.record.inDanger)
    }

    @Test func theLeadsAnswersAtRegistrationAddToAFormReportsUrgency() throws {
        // The reporter did not tick "in danger"; the lead, having called back, records that the child is.
        let fixture = try JournalFixture()
        let sent = sampleReport("Мне страшно идти домой", what: [.psychological])
        let record = try #require(try fixture.collect([sent]).first)
        #expect(record.urgency == [])
        var registration = Registration(report: sent)
        registration.inDanger = true
        registration.types = [.psychological, .sexual]
        let entry = try fixture.session.register(report: record.shortID, registration, now: fixedNow)

        #expect(entry.record.inDanger)
        #expect(entry.record.urgentReasons == "danger-now,sexual-violence")
        var urgent = EntryFilter()
        urgent.urgentOnly = true
        #expect(try fixture.session.entries(urgent, now: fixedNow).map(\.number) == [entry.record.number])
    }

    @Test func aFormReportsOwnUrgencyIsKeptWhenTheLeadChangesTheAnswers() throws {
        let fixture = try JournalFixture()
        let sent = sampleReport("Он сказал, что придёт с ножом", what: [.selfHarm], inDanger: true)
        let record = try #require(try fixture.collect([sent]).first)
        var registration = Registration(report: sent)
        registration.inDanger = false
        let entry = try fixture.session.register(report: record.shortID, registration, now: fixedNow)
        #expect(entry.record.urgentReasons == "danger-now,self-harm,words-weapons")
    }

    @Test func aPhoneCallIsRegisteredWithoutAReport() throws {
        let fixture = try JournalFixture()
        let entry = try fixture.session.register(
            report: nil,
            Registration(
                channel: .phone, reporterRole: .parent, types: [.physical, .bullying], place: "school",
                occurred: "this-week", victims: 2, aggressors: 3, witnesses: 4, aggressorKind: .student,
                words: "Мама позвонила: сына толкают на лестнице", receivedAt: date("2026-11-22T05:00:00Z")),
            now: fixedNow)
        #expect(entry.record.reportID == nil)
        #expect(entry.record.channel == .phone)
        #expect(entry.record.reporterRole == .parent)
        #expect(entry.record.crueltyTypes == [.physical, .bullying])
        #expect(entry.record.victims == 2)
        #expect(entry.record.aggressors == 3)
        #expect(entry.record.witnesses == 4)
        #expect(entry.record.aggressorKind == .student)
        #expect(entry.record.urgentReasons == "")
        #expect(entry.fields == [.words: "Мама позвонила: сына толкают на лестнице"])
    }

    @Test func anUrgentCallIsMarkedFromItsAnswersAndWords() throws {
        let fixture = try JournalFixture()
        let entry = try fixture.session.register(
            report: nil,
            phoneCall("Говорит, что хочет покончить с собой", types: [.sexual], inDanger: true), now: fixedNow)
        #expect(entry.record.urgentReasons == "danger-now,sexual-violence,words-suicide")
    }

    @Test func showEntryGivesBackExactlyWhatWasRegistered() throws {
        let fixture = try JournalFixture()
        let registration = Registration(
            channel: .inPerson, reporterRole: .studentSelf, types: [.cyberbullying],
            classOrGrade: "8Ә", summary: "Кибербуллинг в чате класса; родители в курсе.",
            words: "Они пишут мне в чат «ты никто»,\nкаждый вечер. 😢",
            names: "Асель Н., Данияр К.", contact: "мама: +7 701 555 12 34",
            receivedAt: date("2026-11-22T05:00:00Z"))
        let registered = try fixture.session.register(report: nil, registration, now: fixedNow)

        let shown = try fixture.session.showEntry(registered.record.number, now: fixedNow)
        #expect(
            shown.fields == [
                .words: "Они пишут мне в чат «ты никто»,\nкаждый вечер. 😢",
                .summary: "Кибербуллинг в чате класса; родители в курсе.",
                .classOrGrade: "8Ә",
                .names: "Асель Н., Данияр К.",
                .contact: "мама: +7 701 555 12 34",
            ])
        #expect(shown.record == registered.record)
        #expect(shown.registeredBy == leadName)
    }

    @Test func aFormReportsWordsNamesClassAndContactAreCarriedIntoTheEntry() throws {
        let fixture = try JournalFixture()
        let sent = sampleReport(
            "Мені үзіліс сайын итеріп жібереді", language: .kk, classOrGrade: "6Б", names: "Ерлан",
            contact: "telegram @anon")
        let registered = try fixture.registerReport(sent)
        let shown = try fixture.session.showEntry(registered.record.number, now: fixedNow)
        #expect(
            shown.fields == [
                .words: "Мені үзіліс сайын итеріп жібереді", .classOrGrade: "6Б", .names: "Ерлан",
                .contact: "telegram @anon",
            ])
    }
}

@Suite struct EntryQueryTests {
    /// Four entries: two this autumn, one urgent, one last spring.
    struct Registered {
        let fixture: JournalFixture
        let bullying: EntryDetail
        let sexual: EntryDetail
        let urgent: EntryDetail
        let lastYear: EntryDetail

        init() throws {
            fixture = try JournalFixture()
            let session = fixture.session
            lastYear = try session.register(
                report: nil, phoneCall("Весной", receivedAt: date("2026-04-10T05:00:00Z")), now: fixedNow)
            bullying = try session.register(
                report: nil, phoneCall("Толкают", receivedAt: date("2026-11-02T05:00:00Z")), now: fixedNow)
            sexual = try session.register(
                report: nil, phoneCall("Пишет ей", receivedAt: date("2026-11-10T05:00:00Z"), types: [.sexual]),
                now: fixedNow)
            urgent = try session.register(
                report: nil,
                phoneCall("Грозится ножом", receivedAt: date("2026-11-20T05:00:00Z"), types: [.physical, .bullying]),
                now: fixedNow)
        }

        func numbers(_ filter: EntryFilter) throws -> [String] {
            try fixture.session.entries(filter, now: fixedNow).map(\.number)
        }
    }

    @Test func allEntriesNewestFirst() throws {
        let registered = try Registered()
        #expect(try registered.numbers(EntryFilter()) == ["2026/27-003", "2026/27-002", "2026/27-001", "2025/26-001"])
    }

    @Test func filterByStatus() throws {
        let registered = try Registered()
        try registered.fixture.tamper { db in
            try db.execute(
                sql: "UPDATE entry SET status = 'closed' WHERE id = ?", arguments: [registered.sexual.record.id!])
        }
        var closed = EntryFilter()
        closed.status = "closed"
        #expect(try registered.numbers(closed) == [registered.sexual.record.number])
        var open = EntryFilter()
        open.status = "registered"
        #expect(try registered.numbers(open) == ["2026/27-003", "2026/27-001", "2025/26-001"])
    }

    @Test func filterByType() throws {
        let registered = try Registered()
        var filter = EntryFilter()
        filter.type = .bullying
        #expect(try registered.numbers(filter) == ["2026/27-003", "2026/27-001", "2025/26-001"])
        filter.type = .sexual
        #expect(try registered.numbers(filter) == ["2026/27-002"])
        filter.type = .neglect
        #expect(try registered.numbers(filter) == [])
    }

    @Test func filterByDatesFromInclusiveToExclusive() throws {
        let registered = try Registered()
        var filter = EntryFilter()
        filter.from = date("2026-11-02T05:00:00Z")
        filter.to = date("2026-11-20T05:00:00Z")
        #expect(try registered.numbers(filter) == ["2026/27-002", "2026/27-001"])
        filter.to = nil
        filter.from = date("2026-09-01T00:00:00Z")
        #expect(try registered.numbers(filter) == ["2026/27-003", "2026/27-002", "2026/27-001"])
        filter.from = nil
        filter.to = date("2026-09-01T00:00:00Z")
        #expect(try registered.numbers(filter) == ["2025/26-001"])
    }

    @Test func filterUrgentOnly() throws {
        let registered = try Registered()
        var filter = EntryFilter()
        filter.urgentOnly = true
        // Sexual violence is urgent by its type; the knife by its word.
        #expect(try registered.numbers(filter) == ["2026/27-003", "2026/27-002"])
    }

    @Test func findAnEntryByItsFullNumber() throws {
        let registered = try Registered()
        #expect(try registered.fixture.session.findEntry("2025/26-001", now: fixedNow) == registered.lastYear.record)
        #expect(try registered.fixture.session.findEntry("2026/27-002", now: fixedNow) == registered.sexual.record)
    }

    @Test func findAnEntryByItsSequenceInTheCurrentYear() throws {
        let registered = try Registered()
        let session = registered.fixture.session
        #expect(try session.findEntry("2", now: fixedNow) == registered.sexual.record)
        // In May 2026 the current year is 2025/26.
        #expect(try session.findEntry("1", now: date("2026-05-01T05:00:00Z")) == registered.lastYear.record)
        #expect(throws: JournalError.unknownEntry("2")) {
            try session.findEntry("2", now: date("2026-05-01T05:00:00Z"))
        }
        #expect(throws: JournalError.unknownEntry("2026/27-999")) {
            try session.findEntry("2026/27-999", now: fixedNow)
        }
        #expect(throws: JournalError.unknownEntry("seven")) {
            try session.showEntry("seven", now: fixedNow)
        }
    }
}
