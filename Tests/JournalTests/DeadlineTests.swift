import Foundation
import GRDB
import ReportFormat
import TestSupport
import Testing

@testable import Journal

private func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

@Suite struct DeadlineTests {
    let fixture: JournalFixture

    init() throws { fixture = try JournalFixture() }

    func clocks(at stamp: String) throws -> [Deadline] { try fixture.session.deadlines(now: date(stamp)) }

    @Test func aReportReceivedOnFridayEveningMustBeRegisteredByMonday() throws {
        // 18:00 UTC on Friday 20 November is 23:00 in Almaty.
        let collected = try fixture.collect([sampleReport("Пятница, вечер", hour: "2026-11-20T18:00:00Z")])
        let monday = try clocks(at: "2026-11-23T04:00:00Z")
        try #require(monday.count == 1)
        #expect(monday[0].kind == .registration)
        #expect(monday[0].subject == collected[0].shortID)
        #expect(monday[0].due == day("2026-11-23"))
        #expect(monday[0].workingDaysLeft == 0 && !monday[0].overdue)
        #expect(try clocks(at: "2026-11-21T04:00:00Z")[0].workingDaysLeft == 1, "on Saturday: one working day left")
        let tuesday = try clocks(at: "2026-11-24T04:00:00Z")
        #expect(tuesday[0].workingDaysLeft == -1 && tuesday[0].overdue)
    }

    @Test func aReportReceivedBeforeAHolidayIsDueAfterIt() throws {
        // Tuesday 15 December 2026, 10:00 in Almaty; the 16th is Independence Day.
        try fixture.collect([sampleReport("Накануне праздника", hour: "2026-12-15T05:00:00Z")])
        #expect(try clocks(at: "2026-12-15T06:00:00Z")[0].due == day("2026-12-17"))
    }

    @Test func registeringStopsTheRegistrationClockAndStartsPrimaryInformation() throws {
        let entry = try fixture.registerReport(sampleReport("Меня бьют", hour: "2026-11-23T03:00:00Z")).record
        let open = try clocks(at: "2026-11-23T10:00:00Z")
        #expect(open.map(\.kind) == [.primaryInformation])
        #expect(open[0].subject == entry.number)
        #expect(open[0].due == day("2026-11-25"), "two working days after Monday's registration")
        try fixture.session.record(.primaryInformation, of: entry.number, now: date("2026-11-24T05:00:00Z"))
        #expect(try clocks(at: "2026-11-24T06:00:00Z").isEmpty)
        let step = try #require(try fixture.session.steps(of: entry.number, now: fixedNow)[.primaryInformation])
        #expect(step.state == .done && step.by == leadName && step.at == "2026-11-24T05:00:00Z")
    }

    @Test func aHighLevelStartsTheImmediateStepsOfItem42DueTheSameDay() throws {
        let number = try fixture.registerReport(sampleReport("Мне угрожают ножом", hour: "2026-11-23T03:00:00Z")).record
            .number
        var answers = ProtocolAnswers()
        answers[FactorID(.risk, 22)] = .init(.yes)
        try fixture.session.assess(
            number, answers: answers, decision: AssessmentDecision(level: .high, outcome: .external),
            now: date("2026-11-23T06:00:00Z"))
        let open = try clocks(at: "2026-11-23T07:00:00Z")
        let immediate = open.filter { $0.due == day("2026-11-23") }
        #expect(
            Set(immediate.map(\.kind))
                == [.informRepresentatives, .notifyPolice, .notifyChildRights, .notifyMedical, .safetyPlan])
        #expect(immediate.allSatisfy { $0.urgent && $0.workingDaysLeft == 0 })
        #expect(open.contains { $0.kind == .decisionCommunicated && $0.due == day("2026-11-24") })
        // The next morning every one of them not recorded is overdue.
        #expect(try clocks(at: "2026-11-24T03:00:00Z").filter(\.overdue).count == 5)
    }

    @Test func aMediumLevelHasNoImmediateSteps() throws {
        let number = try fixture.registerReport(sampleReport("Дразнят", hour: "2026-11-23T03:00:00Z")).record.number
        try fixture.session.assess(
            number, answers: ProtocolAnswers(),
            decision: AssessmentDecision(level: .medium, reason: "x", outcome: .school),
            now: fixedNow)
        #expect(
            Set(try clocks(at: "2026-11-23T10:00:00Z").map(\.kind)) == [.primaryInformation, .decisionCommunicated])
    }

    @Test func notApplicableNeedsAReasonWhichIsKeptEncrypted() throws {
        let number = try fixture.registerReport(sampleReport("Толкнули", hour: "2026-11-23T03:00:00Z")).record.number
        let before = try dumpEveryTable(fixture.writer)
        for reason in ["", "  "] {
            #expect(throws: JournalError.notApplicableWithoutReason("notify-medical")) {
                try fixture.session.record(.notifyMedical, of: number, notApplicable: reason, now: fixedNow)
            }
        }
        #expect(try dumpEveryTable(fixture.writer) == before)
        let reason = "осмотрена медсестрой школы, травм нет"
        try fixture.session.record(.notifyMedical, of: number, notApplicable: reason, now: fixedNow)
        let step = try #require(try fixture.session.steps(of: number, now: fixedNow)[.notifyMedical])
        #expect(step.state == .notApplicable && step.reason == reason)
        _ = try fixture.writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let bytes = try Data(contentsOf: fixture.directory.appendingPathComponent("journal.sqlite"))
        #expect(bytes.range(of: Data("медсестрой".utf8)) == nil)
        #expect(throws: DatabaseError.self) {
            try fixture.writer.write { try $0.execute(sql: "DELETE FROM entry_step") }
        }
    }

    @Test func aSchoolsOwnCalendarFileIsUsedAndABadOneIsAClearError() throws {
        try fixture.collect([sampleReport("Пятница", hour: "2026-11-20T05:00:00Z")])
        let own = fixture.directory.appendingPathComponent("calendar.txt")
        try Data("2026-11-23 holiday a local day off\n".utf8).write(to: own)
        #expect(try clocks(at: "2026-11-20T06:00:00Z")[0].due == day("2026-11-24"))
        try Data("# ok\n23.11.2026 holiday\n".utf8).write(to: own)
        #expect(throws: JournalError.calendarFile(line: 2, text: "23.11.2026 holiday")) {
            try fixture.session.deadlines(now: fixedNow)
        }
    }
}
