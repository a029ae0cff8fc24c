import Foundation

/// A step of the response to an entry that the lead records as done, or as not applicable with a reason.
public enum EntryStep: String, Codable, CaseIterable, Sendable {
    /// Primary information gathered: names, residence, nature of the situation (Order 398, item 12).
    case primaryInformation = "primary-information"
    /// The decision communicated to whoever sent the information (Order 398, item 20).
    case decisionCommunicated = "decision-communicated"
    /// Item 42, at high risk: the legal representatives informed.
    case informRepresentatives = "inform-representatives"
    /// Item 42, at high risk: the police notified.
    case notifyPolice = "notify-police"
    /// Item 42, at high risk: the child-rights bodies notified.
    case notifyChildRights = "notify-child-rights"
    /// Item 42, at high risk: medical organisations notified.
    case notifyMedical = "notify-medical"
    /// Item 42, at high risk: a safety plan written (at school and outside).
    case safetyPlan = "safety-plan"

    /// The immediate steps of item 42 that a high level starts.
    public static let immediate: [EntryStep] = [
        .informRepresentatives, .notifyPolice, .notifyChildRights, .notifyMedical, .safetyPlan,
    ]
}

/// A clock of the regulations.
public enum DeadlineKind: String, Codable, Sendable {
    /// A received report is registered within 1 working day of receipt.
    case registration
    /// Primary information gathered within 2 working days of registration.
    case primaryInformation = "primary-information"
    /// The decision communicated within 1 working day of the (first) assessment.
    case decisionCommunicated = "decision-communicated"
    /// An immediate step of item 42, due the day the entry was first rated high.
    case informRepresentatives = "inform-representatives"
    case notifyPolice = "notify-police"
    case notifyChildRights = "notify-child-rights"
    case notifyMedical = "notify-medical"
    case safetyPlan = "safety-plan"

    public init(_ step: EntryStep) { self = DeadlineKind(rawValue: step.rawValue)! }
}

/// One open clock: what must be done, for which report or entry, by the end of which day.
public struct Deadline: Sendable, Equatable {
    public let kind: DeadlineKind
    /// An entry number, or a report's short ID for `registration`.
    public let subject: String
    public let due: CalendarDay
    /// Working days from today to `due`: negative when overdue, 0 when due today.
    public let workingDaysLeft: Int
    public let urgent: Bool

    public init(kind: DeadlineKind, subject: String, due: CalendarDay, workingDaysLeft: Int, urgent: Bool) {
        self.kind = kind
        self.subject = subject
        self.due = due
        self.workingDaysLeft = workingDaysLeft
        self.urgent = urgent
    }

    public var overdue: Bool { workingDaysLeft < 0 }
}

/// The clocks of the regulations as a pure function of dates and facts: what the journal knows about a waiting
/// report or an entry goes in, the open deadlines come out. No storage, no keys: the journal reads the facts,
/// this decides what they mean.
public enum Clocks {
    /// What the registration clock needs of a report waiting to be registered.
    public struct WaitingReport: Sendable {
        /// The report's short ID, shown to the lead.
        public var subject: String
        /// The day the report was received in the school's time zone.
        public var received: CalendarDay
        /// The urgency detector or the reporter flagged it.
        public var urgent: Bool

        public init(subject: String, received: CalendarDay, urgent: Bool) {
            self.subject = subject
            self.received = received
            self.urgent = urgent
        }
    }

    /// What the clocks of an open entry need.
    public struct OpenEntry: Sendable {
        public var number: String
        /// The day it was registered; nil when the stored time cannot be read (no clock is started from it).
        public var registered: CalendarDay?
        /// The report behind it was flagged urgent.
        public var urgent: Bool
        /// The current level of risk, if assessed.
        public var level: RiskLevel?
        /// The day of its first assessment.
        public var firstAssessed: CalendarDay?
        /// The day it was first rated high.
        public var firstRatedHigh: CalendarDay?
        /// The steps that have a recorded state (done or not applicable).
        public var recorded: Set<EntryStep>

        public init(
            number: String, registered: CalendarDay?, urgent: Bool, level: RiskLevel?, firstAssessed: CalendarDay?,
            firstRatedHigh: CalendarDay?, recorded: Set<EntryStep>
        ) {
            self.number = number
            self.registered = registered
            self.urgent = urgent
            self.level = level
            self.firstAssessed = firstAssessed
            self.firstRatedHigh = firstRatedHigh
            self.recorded = recorded
        }
    }

    /// Working days a received report may wait to be registered (Order 398, item 11).
    public static let registrationDays = 1
    /// Working days after registration to gather primary information (Order 398, item 12).
    public static let primaryInformationDays = 2
    /// Working days after the assessment to communicate the decision (Order 398, item 20).
    public static let decisionDays = 1

    /// Every open clock, overdue first, then by due day, urgent before routine on the same day.
    public static func open(
        today: CalendarDay, calendar: WorkingCalendar, waiting: [WaitingReport], entries: [OpenEntry]
    ) -> [Deadline] {
        func clock(_ kind: DeadlineKind, _ subject: String, _ due: CalendarDay, urgent: Bool) -> Deadline {
            Deadline(
                kind: kind, subject: subject, due: due, workingDaysLeft: calendar.workingDays(from: today, to: due),
                urgent: urgent)
        }
        var result: [Deadline] = []
        for report in waiting {
            result.append(
                clock(
                    .registration, report.subject, calendar.workingDay(registrationDays, after: report.received),
                    urgent: report.urgent))
        }
        for entry in entries {
            let high = entry.level == .high
            let urgent = entry.urgent || high
            if !entry.recorded.contains(.primaryInformation), let registered = entry.registered {
                result.append(
                    clock(
                        .primaryInformation, entry.number,
                        calendar.workingDay(primaryInformationDays, after: registered), urgent: urgent))
            }
            if !entry.recorded.contains(.decisionCommunicated), let assessed = entry.firstAssessed {
                result.append(
                    clock(
                        .decisionCommunicated, entry.number, calendar.workingDay(decisionDays, after: assessed),
                        urgent: urgent))
            }
            // Item 42: "immediately" — the steps are due the day the entry was first rated high.
            if high, let rated = entry.firstRatedHigh {
                for step in EntryStep.immediate where !entry.recorded.contains(step) {
                    result.append(clock(DeadlineKind(step), entry.number, rated, urgent: true))
                }
            }
        }
        return result.sorted {
            ($0.due, $0.urgent ? 0 : 1, $0.subject) < ($1.due, $1.urgent ? 0 : 1, $1.subject)
        }
    }
}
