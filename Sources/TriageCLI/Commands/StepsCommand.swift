import ArgumentParser
import Foundation
import Journal

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
        if done != nil && notApplicable != nil {
            throw ValidationError(
                Messages.forUsage("usage.not_both", ["first": "--done", "second": "--not-applicable"]))
        }
        if notApplicable != nil && reason == nil {
            throw ValidationError(
                Messages.forUsage("usage.needs", ["first": "--not-applicable", "second": "--reason"]))
        }
        if notApplicable == nil && reason != nil {
            throw ValidationError(
                Messages.forUsage("usage.goes_with", ["first": "--reason", "second": "--not-applicable"]))
        }
    }

    func run() async throws {
        let m = options.messages
        // Before the passphrase is asked: a mistyped code should not cost an unlock.
        for value in [done, notApplicable].compactMap({ $0 }) where EntryStep(rawValue: value) == nil {
            throw CLIError(
                m("error.unknown_step", ["step": value]),
                hint: m("hint.unknown_step", ["codes": EntryStep.allCases.map(\.rawValue).joined(separator: ", ")]),
                status: ExitCode.validationFailure.rawValue)
        }
        let session = try options.unlock()
        let now = options.now()
        let entry = try session.findEntry(number, now: now)
        if let step = done.flatMap(EntryStep.init(rawValue:)) {
            try session.record(step, of: entry.number, now: now)
        } else if let step = notApplicable.flatMap(EntryStep.init(rawValue:)) {
            try session.record(step, of: entry.number, notApplicable: reason, now: now)
        }
        let recorded = try session.steps(of: entry.number, now: now)
        let open = try session.deadlines(now: now).filter { $0.subject == entry.number }
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
                print("  [x] \(label) (\(step.rawValue)): \(state)")
            } else if let clock = open.first(where: { $0.kind.rawValue == step.rawValue }) {
                print("  [ ] \(label) (\(step.rawValue)): \(p.dueText(clock))")
            } else {
                print("  [ ] \(label) (\(step.rawValue)): \(m("steps.not_started"))")
            }
        }
        if !high { print(m("steps.high_only")) }
    }
}
