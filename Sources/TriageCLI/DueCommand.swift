import ArgumentParser
import Foundation
import Journal

/// `senim due`: what is overdue and what falls due soon, across the journal.
struct DueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "List what is overdue and what falls due in the next working days, across the journal.",
        discussion: """
            The clocks: a report is registered within 1 working day of receipt; primary information is \
            gathered within 2 working days of registration; the decision is communicated within 1 working \
            day of the assessment; at a high level the immediate steps of item 42 are due the same day. \
            Working days skip weekends and the holidays in the journal folder's calendar.txt, or Senim's \
            calendar of Kazakhstan's holidays of 2026 and 2027.
            """)

    @Option(help: "Show what falls due within this many working days. (default: 5)")
    var days = 5

    @Flag(help: "Print the list as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if days < 0 { throw ValidationError("--days must be 0 or more") }
    }

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let all = try options.run { try session.deadlines(now: now) }
        let shown = all.filter { $0.workingDaysLeft <= days }
        if json {
            try JSONOutput.print(shown.map(DeadlineJSON.init))
            return
        }
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        let overdue = shown.filter(\.overdue).count
        print(m("due.summary", ["overdue": "\(overdue)", "soon": "\(shown.count - overdue)", "days": "\(days)"]))
        if shown.isEmpty {
            print(m("due.nothing"))
            return
        }
        print("")
        for deadline in shown { print(p.deadlineLine(deadline)) }
        print("")
        print(m("due.next"))
    }
}

/// A deadline as `--json` prints it.
struct DeadlineJSON: Encodable {
    let kind: String
    let subject: String
    let due: String
    let workingDaysLeft: Int
    let overdue: Bool
    let urgent: Bool

    init(_ deadline: Deadline) {
        kind = deadline.kind.rawValue
        subject = deadline.subject
        due = deadline.due.description
        workingDaysLeft = deadline.workingDaysLeft
        overdue = deadline.overdue
        urgent = deadline.urgent
    }
}

/// `senim steps`: an entry's response steps, and recording one.
struct StepsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steps",
        abstract: "Show an entry's response steps with their deadlines, or record one as done or not applicable.",
        discussion: """
            Steps: primary-information, decision-communicated, and at a high level the immediate steps of item \
            42: inform-representatives, notify-police, notify-child-rights, notify-medical, safety-plan. A step \
            that does not apply needs a reason (--not-applicable STEP --reason R). Who and when are recorded.
            """)

    @Argument(help: "The entry number, e.g. 2026/27-001 (or 1 for this academic year's first).")
    var number: String

    @Option(help: "Record this step as done.")
    var done: String?

    @Option(help: "Record this step as not applicable (needs --reason).")
    var notApplicable: String?

    @Option(help: "Why the step does not apply.")
    var reason: String?

    @Flag(help: "Print the steps as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if done != nil && notApplicable != nil { throw ValidationError("give --done or --not-applicable, not both") }
        for value in [done, notApplicable].compactMap({ $0 }) where EntryStep(rawValue: value) == nil {
            throw ValidationError(
                "unknown step \"\(value)\": use one of \(EntryStep.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if notApplicable != nil && reason == nil { throw ValidationError("--not-applicable needs --reason") }
        if notApplicable == nil && reason != nil { throw ValidationError("--reason goes with --not-applicable") }
    }

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let entry = try options.run { try session.findEntry(number, now: now) }
        if let step = done.flatMap(EntryStep.init(rawValue:)) {
            try options.run { try session.record(step, of: entry.number, now: now) }
        } else if let step = notApplicable.flatMap(EntryStep.init(rawValue:)) {
            try options.run { try session.record(step, of: entry.number, notApplicable: reason, now: now) }
        }
        let recorded = try options.run { try session.steps(of: entry.number, now: now) }
        let open = try options.run { try session.deadlines(now: now) }.filter { $0.subject == entry.number }
        let high = entry.riskLevel == RiskLevel.high.rawValue
        let relevant = EntryStep.allCases.filter { step in
            !EntryStep.immediate.contains(step) || high || recorded[step] != nil
        }
        if json {
            struct StepJSON: Encodable {
                let step: String
                let state: String
                let reason: String?
                let by: String?
                let at: String?
                let due: String?
                let workingDaysLeft: Int?
            }
            try JSONOutput.print(
                relevant.map { step in
                    let record = recorded[step]
                    let clock = open.first { $0.kind.rawValue == step.rawValue }
                    return StepJSON(
                        step: step.rawValue, state: record?.state.rawValue ?? "open", reason: record?.reason,
                        by: record?.by, at: record?.at, due: clock?.due.description,
                        workingDaysLeft: clock?.workingDaysLeft)
                })
            return
        }
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        print(m("steps.heading", ["number": entry.number]))
        for step in relevant {
            let label = m("clock.\(step.rawValue)")
            if let record = recorded[step] {
                let state =
                    record.state == .done
                    ? m("steps.done", ["member": record.by, "at": p.localTime(record.at)])
                    : m(
                        "steps.not_applicable",
                        ["member": record.by, "at": p.localTime(record.at), "reason": record.reason ?? ""])
                print("  [x] \(label): \(state)")
            } else if let clock = open.first(where: { $0.kind.rawValue == step.rawValue }) {
                print("  [ ] \(label): \(p.dueText(clock))")
            } else {
                print("  [ ] \(label): \(m("steps.not_started"))")
            }
        }
        if !high { print(m("steps.high_only")) }
    }
}

extension Presentation {
    /// `due 23.11.2026 · 1 working day left`, `due today`, `overdue by 2 working days`.
    func dueText(_ deadline: Deadline) -> String {
        let (y, mo, d) = deadline.due.parts
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = "\(two(d)).\(two(mo)).\(y)"
        let left = deadline.workingDaysLeft
        let state =
            left < 0
            ? m("due.overdue", ["n": "\(-left)"])
            : left == 0 ? m("due.today") : m("due.left", ["n": "\(left)"])
        return m("due.by", ["day": day, "state": state])
    }

    /// `2 wd left`, `today`, `LATE`: for a queue line.
    func shortDue(_ deadline: Deadline) -> String {
        let left = deadline.workingDaysLeft
        return left < 0
            ? m("due.short_overdue") : left == 0 ? m("due.short_today") : m("due.short_left", ["n": "\(left)"])
    }

    /// One line of `senim due`.
    func deadlineLine(_ deadline: Deadline) -> String {
        let mark = deadline.overdue ? "!" : deadline.urgent ? "*" : " "
        let subject =
            deadline.kind == .registration
            ? m("due.report", ["id": deadline.subject]) : deadline.subject
        return "\(mark) \(subject)  \(m("clock.\(deadline.kind.rawValue)")) — \(dueText(deadline))"
    }
}
