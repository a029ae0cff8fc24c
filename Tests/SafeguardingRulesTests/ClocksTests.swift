import Foundation
import SafeguardingRules
import Testing

/// The clocks without a journal: facts in, deadlines out.
@Suite struct ClocksTests {
    static let calendar = WorkingCalendar.bundled(timeZone: TimeZone(identifier: "Asia/Almaty")!)

    func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    func entry(
        _ number: String = "2026/27-001", registered: String? = "2026-11-23", urgent: Bool = false,
        level: RiskLevel? = nil, assessed: String? = nil, high: String? = nil, recorded: Set<EntryStep> = []
    ) -> Clocks.OpenEntry {
        Clocks.OpenEntry(
            number: number, registered: registered.map(day), urgent: urgent, level: level,
            firstAssessed: assessed.map(day), firstRatedHigh: high.map(day), recorded: recorded)
    }

    func open(today: String, waiting: [Clocks.WaitingReport] = [], entries: [Clocks.OpenEntry] = []) -> [Deadline] {
        Clocks.open(today: day(today), calendar: Self.calendar, waiting: waiting, entries: entries)
    }

    @Test func aReportReceivedOnFridayIsDueOnMondayAndOverdueOnTuesday() {
        let friday = [Clocks.WaitingReport(subject: "a1b2c3d4", received: day("2026-11-20"), urgent: false)]
        let monday = open(today: "2026-11-23", waiting: friday)
        #expect(
            monday == [
                Deadline(
                    kind: .registration, subject: "a1b2c3d4", due: day("2026-11-23"), workingDaysLeft: 0, urgent: false)
            ])
        #expect(
            open(today: "2026-11-21", waiting: friday)[0].workingDaysLeft == 1, "on Saturday one working day is left")
        #expect(open(today: "2026-11-24", waiting: friday)[0].overdue)
    }

    @Test func aReportReceivedTheDayBeforeIndependenceDayIsDueTheDayAfterIt() {
        let waiting = [Clocks.WaitingReport(subject: "x", received: day("2026-12-15"), urgent: true)]
        #expect(open(today: "2026-12-15", waiting: waiting).map(\.due) == [day("2026-12-17")])
    }

    @Test func primaryInformationIsDueTwoWorkingDaysAfterRegistrationUnlessRecorded() {
        #expect(open(today: "2026-11-23", entries: [entry()]).map(\.due) == [day("2026-11-25")])
        #expect(open(today: "2026-11-23", entries: [entry(recorded: [.primaryInformation])]).isEmpty)
        // Registered on Friday: Monday and Tuesday are the two working days.
        #expect(open(today: "2026-11-20", entries: [entry(registered: "2026-11-20")]).map(\.due) == [day("2026-11-24")])
        #expect(
            open(today: "2026-11-23", entries: [entry(registered: nil)]).isEmpty, "no clock from an unreadable time")
    }

    @Test func theDecisionIsDueOneWorkingDayAfterTheFirstAssessment() {
        let clocks = open(
            today: "2026-11-23",
            entries: [entry(level: .low, assessed: "2026-11-23", recorded: [.primaryInformation])])
        #expect(clocks.map(\.kind) == [.decisionCommunicated])
        #expect(clocks[0].due == day("2026-11-24") && !clocks[0].urgent)
    }

    @Test func aHighLevelMakesTheFiveStepsOfItem42DueTheSameDayAndUrgent() {
        let rated = entry(level: .high, assessed: "2026-11-23", high: "2026-11-23", recorded: [.notifyMedical])
        let clocks = open(today: "2026-11-23", entries: [rated])
        let immediate = clocks.filter { $0.due == day("2026-11-23") }
        #expect(Set(immediate.map(\.kind)) == [.informRepresentatives, .notifyPolice, .notifyChildRights, .safetyPlan])
        #expect(clocks.allSatisfy { $0.urgent }, "a high entry's every clock is urgent")
        #expect(open(today: "2026-11-24", entries: [rated]).filter(\.overdue).count == 4)
    }

    @Test func aLevelNoLongerHighStopsAskingForTheImmediateSteps() {
        let lowered = entry(level: .medium, assessed: "2026-11-23", high: "2026-11-23")
        #expect(
            Set(open(today: "2026-11-23", entries: [lowered]).map(\.kind)) == [
                .primaryInformation, .decisionCommunicated,
            ])
    }

    @Test func theEarliestDueComesFirstAndOnTheSameDayTheUrgentOne() {
        let clocks = open(
            today: "2026-11-23",
            waiting: [
                Clocks.WaitingReport(subject: "routine", received: day("2026-11-23"), urgent: false),
                Clocks.WaitingReport(subject: "urgent", received: day("2026-11-23"), urgent: true),
                Clocks.WaitingReport(subject: "late", received: day("2026-11-18"), urgent: false),
            ])
        #expect(clocks.map(\.subject) == ["late", "urgent", "routine"])
    }
}
