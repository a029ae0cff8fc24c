import ArgumentParser
import Foundation
import Journal

/// `senim assess`: rate an entry's risk with the national protocol.
struct AssessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Rate an entry's risk with the protocol (item 33, Annex 8): answers, proposed level, decision.",
        discussion: """
            At a terminal, asks the 22 risk, 11 vulnerability and 10 protective questions (y, n, or Enter for \
            unknown, with a note after a yes; b goes back a question), shows every answer on one screen to change \
            any, then the level the rules propose and the answers that produced it, and asks you to accept it or \
            choose another level with a reason, and the outcome; nothing is saved before the last yes. With \
            --answers FILE it asks nothing: FILE is JSON keyed by group and question number, e.g. \
            {"risk": {"13": "yes"}, "vulnerability": {"10": {"answer": "yes", "note": "…"}}}. Every \
            assessment is kept; assessing again adds a new one.
            """)

    @Argument(help: "The entry number, e.g. 2026/27-001 (or 1 for this academic year's first).")
    var number: String

    @Option(help: "Read the answers from this JSON file instead of asking.")
    var answers: String?

    @Flag(help: "Accept the proposed level (with --answers).")
    var accept = false

    @Option(help: "Decide this level instead of the proposal: low, medium or high (with --answers; needs --reason).")
    var level: String?

    @Option(help: "Why the decided level differs from the proposal.")
    var reason: String?

    @Option(
        help: """
            The outcome: none, school or external (default: external for high, school for low and medium).
            """)
    var outcome: String?

    @Flag(help: "Print the proposal and the decision as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if let level, RiskLevel(rawValue: level) == nil {
            throw ValidationError(
                Messages.forUsage("usage.one_of", ["flag": "--level", "choices": "low, medium, high"]))
        }
        if let outcome, AssessmentOutcome(rawValue: outcome) == nil {
            throw ValidationError(
                Messages.forUsage("usage.one_of", ["flag": "--outcome", "choices": "none, school, external"]))
        }
        if accept && level != nil {
            throw ValidationError(Messages.forUsage("usage.not_both", ["first": "--accept", "second": "--level"]))
        }
        if answers != nil && !accept && level == nil {
            throw ValidationError(Messages.forUsage("usage.answers_decide"))
        }
        if answers == nil && (accept || level != nil) {
            throw ValidationError(Messages.forUsage("usage.answers_only"))
        }
    }

    func run() async throws {
        let m = options.messages
        if let answers {
            // Read the file before asking for the passphrase: a mistake in it should not cost an unlock.
            let parsed = try Self.readAnswers(answers, messages: m)
            let session = try options.unlock()
            let now = options.now()
            let proposal = try session.proposeRisk(for: number, answers: parsed, now: now)
            let chosen = level.flatMap(RiskLevel.init(rawValue:)) ?? proposal.level
            let decision = AssessmentDecision(
                level: chosen, reason: reason,
                outcome: outcome.flatMap(AssessmentOutcome.init(rawValue:)) ?? .expected(for: chosen))
            let saved = try session.assess(number, answers: parsed, decision: decision, now: now)
            try report(saved, session: session, now: now)
            return
        }
        let session = try options.unlock()
        let now = options.now()
        // A member who may not assess is told before forty-three questions, not after.
        try session.checkMayAssess()
        let entry = try session.open(entry: number, now: now)
        let prompter = Prompter(m: m)
        // The questions, the notes and the proposal are confidential: asked in the alternate screen, which leaves
        // nothing behind; only the outcome line is printed after it.
        let saved = try await AlternateScreen.run { try interview(entry, prompter: prompter, now: now) }
        guard let saved else {
            print(m("assess.not_saved"))
            return
        }
        try report(saved, session: session, now: now)
    }

    /// Asks the protocol, shows every answer for review and change, then the proposal and the decision; returns
    /// the stored assessment, or nil when the person left without saving.
    func interview(_ entry: OpenEntry, prompter: Prompter, now: Date) throws -> Assessment? {
        let m = options.messages
        let dialogue = AssessmentDialogue(prompter: prompter)
        let p = Presentation(m: m, timeZone: entry.session.timeZone, now: now)
        Terminal.clear()
        print(m("assess.heading", ["number": entry.number]))
        print(
            Terminal.fold(
                m(
                    "assess.instructions",
                    ["yes": m("answer.yes_key"), "no": m("answer.no_key"), "back": m("assess.key_back")])))
        var given = ProtocolAnswers()
        guard dialogue.askAll(&given) else { throw ExitCode(1) }
        var notice: String?
        while true {
            switch dialogue.review(&given, notice: notice) {
            case .endOfInput: throw ExitCode(1)
            case .leave: return nil
            case .save: break
            }
            let proposal = entry.proposeRisk(answers: given)
            Terminal.clear()
            print(p.proposalText(proposal))
            var decided = proposal.level
            var why: String?
            if !prompter.confirm(m("assess.accept_prompt")) {
                decided =
                    prompter.choose(
                        m("assess.choose_level"), RiskLevel.self, prefix: "level", default: nil, presentation: p)
                    ?? proposal.level
                while decided != proposal.level {
                    guard let text = prompter.line(m("assess.reason_prompt")) else { throw ExitCode(1) }
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    if !trimmed.isEmpty {
                        why = trimmed
                        break
                    }
                    print(m("assess.reason_required"))
                }
            }
            let chosenOutcome =
                prompter.choose(
                    m("assess.choose_outcome"), AssessmentOutcome.self, prefix: "outcome",
                    default: .expected(for: decided), presentation: p) ?? .expected(for: decided)
            guard prompter.confirm(m("assess.confirm")) else {
                // Nothing is lost by a "no": back to the answers, which can be changed, saved or left.
                notice = m("assess.kept")
                continue
            }
            return try entry.assess(
                answers: given, decision: AssessmentDecision(level: decided, reason: why, outcome: chosenOutcome),
                now: now)
        }
    }

    /// The protocol's section headings: the student's and the family's risk factors, then each other group.
    static func heading(before group: FactorGroup, _ item: Int) -> String? {
        switch (group, item) {
        case (.risk, 1): "protocol.heading.risk_student"
        case (.risk, 10): "protocol.heading.risk_family"
        case (.vulnerability, 1): "protocol.heading.vulnerability"
        case (.protective, 1): "protocol.heading.protective"
        default: nil
        }
    }

    static func readAnswers(_ path: String, messages m: Messages) throws -> ProtocolAnswers {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIError(
                m("error.answers_file", ["path": path, "reason": (error as NSError).localizedDescription]),
                hint: m("hint.answers_file"))
        }
        do {
            return try ProtocolAnswers(answersFile: data)
        } catch {
            let reason =
                switch error {
                case .notJSON: m("answers.not_json")
                case .unknownGroup(let group): m("answers.unknown_group", ["group": group])
                case .unknownItem(let group, let item):
                    m("answers.unknown_item", ["group": group.rawValue, "item": item, "max": "\(group.itemCount)"])
                case .badAnswer(let id, let value):
                    m("answers.bad_answer", ["question": "\(id.group.rawValue) \(id.item)", "value": value])
                }
            throw CLIError(m("error.answers_file", ["path": path, "reason": reason]), hint: m("hint.answers_file"))
        }
    }

    func report(_ saved: Assessment, session: JournalSession, now: Date) throws {
        let m = options.messages
        let entry = try session.findEntry(number, now: now)
        if json {
            try JSONOutput.print(AssessmentJSON(saved, entry: entry.number, messages: m))
            return
        }
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        if answers != nil { print(p.proposalText(saved.proposal)) }
        print(
            m(
                "assess.saved",
                [
                    "sequence": "\(saved.sequence)", "number": entry.number,
                    "level": m("level.\(saved.decidedLevel.rawValue)"),
                    "outcome": m("outcome.\(saved.outcome.rawValue)"),
                ]))
    }
}
