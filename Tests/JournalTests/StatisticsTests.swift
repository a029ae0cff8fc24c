import Foundation
import GRDB
import Journal
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

/// The item 36 indicators against a hand-made journal whose answers are known.
@Suite struct StatisticsTests {
    let fixture: JournalFixture
    let year = AcademicYear(startYear: 2026)

    init() throws { fixture = try JournalFixture() }

    /// Registers an entry at a moment given in Almaty time (UTC+5).
    @discardableResult
    func entry(
        _ types: [CrueltyType], at local: String, victims: Int = 0, aggressors: Int = 0, witnesses: Int = 0
    ) throws -> String {
        var registration = phoneCall("запись", types: types)
        registration.victims = victims
        registration.aggressors = aggressors
        registration.witnesses = witnesses
        let moment = date(local + ":00+05:00")
        return try fixture.session.register(report: nil, registration, now: moment).record.number
    }

    func counts(_ span: StatsPeriod.Span) throws -> [Indicator: IndicatorCounts] {
        try fixture.journal.statistics(StatsPeriod(year: year, span: span)).counts
    }

    @Test func everyIndicatorCountsWhatTheJournalRecorded() throws {
        let first = try entry([.bullying, .cyberbullying], at: "2026-09-10T10:00", victims: 1, aggressors: 2)
        let second = try entry([.physical], at: "2026-09-20T10:00", victims: 1, witnesses: 3)
        let third = try entry([.bullying], at: "2026-10-05T10:00")
        let s = fixture.session
        // Aida is bullied in the first and third entries, and injured in the second: one child throughout.
        try s.recordStudent(first, role: .victim, code: "A-1", facts: [.longAbsent], now: fixedNow)
        try s.recordStudent(third, role: .victim, code: "a-1 ", facts: [.highRisk], now: fixedNow)
        try s.recordStudent(second, role: .victim, code: "A-1", facts: [.injured, .victimOfStaff], now: fixedNow)
        try s.recordStudent(first, role: .aggressor, code: "B-7", facts: [.juvenilePolice, .expelled], now: fixedNow)
        try s.recordStudent(third, role: .aggressor, code: "B-7", facts: [.transferred], now: fixedNow)
        try s.recordStudent(second, role: .witness, code: nil, facts: [], now: fixedNow)
        try s.setStaffDismissed(second, count: 1, now: fixedNow)

        let c = try counts(.quarter(1))
        #expect(c[.incidents] == IndicatorCounts(byType: [.bullying: 2, .cyberbullying: 1, .physical: 1], total: 3))
        // Aggressors: B-7 in entries 1 and 3, plus one more the first entry counts but nobody named.
        #expect(c[.aggressors] == IndicatorCounts(byType: [.bullying: 2, .cyberbullying: 2], total: 2))
        // Victims: A-1 everywhere; entry 2's one victim is A-1 too.
        #expect(c[.victims] == IndicatorCounts(byType: [.bullying: 1, .cyberbullying: 1, .physical: 1], total: 1))
        // Witnesses: one anonymous named in entry 2, and two more of its three.
        #expect(c[.witnesses] == IndicatorCounts(byType: [.physical: 3], total: 3))
        #expect(c[.highRisk] == IndicatorCounts(byType: [.bullying: 1], total: 1))
        #expect(c[.injured] == IndicatorCounts(byType: [.physical: 1], total: 1))
        #expect(c[.juvenilePolice] == IndicatorCounts(byType: [.bullying: 1, .cyberbullying: 1], total: 1))
        #expect(c[.expelled] == IndicatorCounts(byType: [.bullying: 1, .cyberbullying: 1], total: 1))
        #expect(c[.transferred] == IndicatorCounts(byType: [.bullying: 1], total: 1))
        #expect(c[.longAbsent] == IndicatorCounts(byType: [.bullying: 1, .cyberbullying: 1], total: 1))
        #expect(c[.victimsOfStaff] == IndicatorCounts(byType: [.physical: 1], total: 1))
        #expect(c[.staffDismissed] == IndicatorCounts(byType: [.physical: 1], total: 1))
        #expect(try fixture.journal.verify().failures == [], "every update is an event")
    }

    @Test func aStudentInTwoQuartersCountsInEach() throws {
        let autumn = try entry([.bullying], at: "2026-10-01T10:00")
        let winter = try entry([.bullying], at: "2026-12-01T10:00")
        for number in [autumn, winter] {
            try fixture.session.recordStudent(number, role: .victim, code: "K-3", facts: [], now: fixedNow)
        }
        #expect(try counts(.quarter(1))[.victims]?.total == 1)
        #expect(try counts(.quarter(2))[.victims]?.total == 1)
        #expect(try counts(.half(1))[.victims]?.total == 1, "one child in the half-year")
        #expect(try counts(.year)[.incidents]?.total == 2)
    }

    @Test(arguments: [
        ("2026-10-31T23:59", 1), ("2026-11-01T00:00", 2), ("2026-12-31T23:59", 2), ("2027-01-01T00:00", 3),
        ("2027-03-31T23:59", 3), ("2027-04-01T00:00", 4), ("2027-08-31T23:59", 4),
    ])
    func quartersEndAtMidnightInTheSchoolsTimeZone(local: String, quarter: Int) throws {
        try entry([.neglect], at: local)
        for q in 1...4 {
            #expect(try counts(.quarter(q))[.incidents]?.total == (q == quarter ? 1 : 0), "Q\(q)")
        }
        #expect(try counts(.half(quarter <= 2 ? 1 : 2))[.incidents]?.total == 1)
        #expect(try counts(.half(quarter <= 2 ? 2 : 1))[.incidents]?.total == 0)
        #expect(try counts(.year)[.incidents]?.total == 1)
    }

    @Test func theNextAcademicYearStartsOnTheFirstOfSeptember() throws {
        try entry([.neglect], at: "2027-09-01T08:00")
        #expect(try counts(.year)[.incidents]?.total == 0)
        let next = try fixture.journal.statistics(StatsPeriod(year: AcademicYear(startYear: 2027), span: .quarter(1)))
        #expect(next.counts[.incidents]?.total == 1)
    }

    @Test func aSchoolSetsItsOwnQuarterStarts() throws {
        try Data("# 2026/27, the Ministry's dates\n09-01 11-03 01-08 03-30\n".utf8)
            .write(to: fixture.directory.appendingPathComponent("quarters.txt"))
        let starts = try fixture.journal.quarterStarts()
        #expect(starts == QuarterStarts(starts: [(9, 1), (11, 3), (1, 8), (3, 30)]))
        try entry([.neglect], at: "2026-11-02T12:00")
        let period = StatsPeriod(year: year, span: .quarter(1), quarters: starts)
        #expect(period.description == "2026/27 Q1 (2026-09-01 – 2026-11-02)")
        #expect(try fixture.journal.statistics(period).counts[.incidents]?.total == 1)
        #expect(QuarterStarts(text: "11-01 09-01 01-01 04-01") == nil, "out of order")
        #expect(QuarterStarts(text: "09-01 11-01 01-01") == nil)
    }

    @Test func smallCountsAreHiddenAndNoHiddenCellStandsAlone() throws {
        // Bullying 5 incidents, physical 2: physical alone would be hidden and then be total − bullying.
        for _ in 1...5 { try entry([.bullying], at: "2026-09-10T10:00") }
        for _ in 1...2 { try entry([.physical], at: "2026-09-11T10:00") }
        try entry([.sexual], at: "2026-09-12T10:00")
        let statistics = try fixture.journal.statistics(StatsPeriod(year: year, span: .quarter(1)))
        let shown = statistics.suppressed(below: 3)
        let incidents = try #require(shown.rows[.incidents])
        #expect(incidents.byType[.physical] == .hidden)
        #expect(incidents.byType[.sexual] == .hidden)
        #expect(incidents.byType[.bullying] == .value(5))
        #expect(incidents.total == .value(8))
        #expect(incidents.byType[.neglect] == .value(0), "zero is not hidden")

        // One small cell among large ones: the smallest other one is hidden with it.
        let fixture2 = try JournalFixture()
        for _ in 1...4 {
            _ = try fixture2.session.register(report: nil, phoneCall("x", types: [.bullying]), now: fixedNow)
        }
        for _ in 1...6 {
            _ = try fixture2.session.register(report: nil, phoneCall("y", types: [.physical]), now: fixedNow)
        }
        _ = try fixture2.session.register(report: nil, phoneCall("z", types: [.sexual]), now: fixedNow)
        let alone = try fixture2.journal.statistics(StatsPeriod(year: year, span: .quarter(2))).suppressed(below: 3)
        let row = try #require(alone.rows[.incidents])
        #expect(row.byType[.sexual] == .hidden)
        #expect(row.byType[.bullying] == .hidden, "complementary: the smallest shown cell")
        #expect(row.byType[.physical] == .value(6))
        #expect(row.total == .value(11))

        // Nothing at all hidden with a threshold of 0.
        let open = statistics.suppressed(below: 0)
        #expect(open.rows[.incidents]?.byType[.sexual] == .value(1))
    }

    @Test func everyRowWithAHiddenCellHidesAtLeastTwoOrItsTotal() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 1...40 {
            let types = Array(CrueltyType.allCases.shuffled(using: &generator).prefix(Int.random(in: 1...2)))
            try entry(types, at: "2026-09-15T10:00", victims: Int.random(in: 0...2))
        }
        let shown = try fixture.journal.statistics(StatsPeriod(year: year, span: .quarter(1))).suppressed(below: 5)
        for indicator in Indicator.allCases {
            let row = try #require(shown.rows[indicator])
            let hidden = row.byType.values.filter { $0 == .hidden }.count
            #expect(hidden != 1 || row.total == .hidden, "\(indicator): one hidden cell could be worked out")
        }
    }

    @Test func anExportIsSignedAndATamperedOneIsRefused() throws {
        for _ in 1...4 { try entry([.bullying], at: "2026-09-10T10:00") }
        let period = StatsPeriod(year: year, span: .quarter(1))
        let export = try fixture.session.exportStatistics(period, school: "School No. 7", threshold: 3, now: fixedNow)
        let folder = try TemporaryDirectory()
        let path = folder.path("school7.json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(export).write(to: URL(fileURLWithPath: path))
        let read = try StatsExport.read(path: path)
        #expect(read == export)
        #expect(read.shown[.incidents]?.byType[.bullying] == .value(4))

        let text = try String(contentsOfFile: path, encoding: .utf8)
        let forged = folder.path("forged.json")
        try Data(text.replacingOccurrences(of: "\"bullying\" : 4", with: "\"bullying\" : 40").utf8)
            .write(to: URL(fileURLWithPath: forged))
        #expect(text.contains("\"bullying\" : 4"))
        #expect(throws: JournalError.export(path: forged, problem: .badSignature)) {
            try StatsExport.read(path: forged)
        }
    }

    @Test func exportsOfSeveralSchoolsAddUpAndHiddenPartsStayVisible() throws {
        for _ in 1...4 { try entry([.bullying], at: "2026-09-10T10:00") }
        let other = try JournalFixture()
        for _ in 1...5 {
            _ = try other.session.register(
                report: nil, phoneCall("x", types: [.bullying]), now: date("2026-09-12T10:00:00+05:00"))
        }
        _ = try other.session.register(
            report: nil, phoneCall("y", types: [.sexual]), now: date("2026-09-12T10:00:00+05:00"))
        let period = StatsPeriod(year: year, span: .quarter(1))
        let a = try fixture.session.exportStatistics(period, school: "A", threshold: 3, now: fixedNow)
        let b = try other.session.exportStatistics(period, school: "B", threshold: 3, now: fixedNow)
        let merged = try MergedStatistics([a, b])
        #expect(merged.rows[.incidents]?.byType[.bullying] == MergedCount(known: 4, hiddenParts: 1))
        #expect(merged.rows[.incidents]?.byType[.sexual] == MergedCount(known: 0, hiddenParts: 1))
        #expect(merged.rows[.incidents]?.total == MergedCount(known: 10, hiddenParts: 0))

        let laterPeriod = StatsPeriod(year: year, span: .quarter(2))
        let c = try other.session.exportStatistics(laterPeriod, school: "B", threshold: 3, now: fixedNow)
        #expect(throws: JournalError.self) { try MergedStatistics([a, c]) }
    }

    @Test func anAuditorExportsWithoutHoldingAnyEntryKey() throws {
        try entry([.bullying], at: "2026-09-10T10:00")
        try fixture.addMember("Аудитор", role: .auditor, passphrase: "Аудитор's own passphrase")
        let auditor = try fixture.journal.unlock(
            member: "Аудитор", passphrase: Passphrase("Аудитор's own passphrase"), now: fixedNow)
        let export = try auditor.exportStatistics(
            StatsPeriod(year: year, span: .quarter(1)), school: "S", threshold: 0, now: fixedNow)
        #expect(export.body.signerRole == "auditor")
        #expect(export.shown[.incidents]?.total == .value(1))
        #expect(throws: JournalError.notAllowed(member: "Аудитор", action: .updateEntries)) {
            try auditor.recordStudent("1", role: .victim, code: nil, facts: [], now: fixedNow)
        }
    }
}
