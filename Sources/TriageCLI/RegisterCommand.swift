import ArgumentParser
import Foundation
import Journal
import ReportFormat

/// Reads answers typed at the terminal, one line each.
struct Prompter {
    let m: Messages

    /// A line, or nil at end of input.
    func line(_ prompt: String) -> String? {
        // What `print` buffered must reach the screen before the prompt that follows it.
        fflush(nil)
        FileHandle.standardOutput.write(Data(prompt.utf8))
        return readLine(strippingNewline: true)
    }

    /// What was typed at a queue screen (`senim triage`, `senim review`).
    enum QueueChoice: Equatable {
        case quit, refresh, invalid
        /// The item shown with this number (1-based).
        case open(Int)
    }

    /// Asks at a queue screen: `q` quits (as does the end of input), Enter or `r` refreshes, a number among the
    /// `shown` items opens it.
    func queueChoice(_ prompt: String, shown: Int) -> QueueChoice {
        guard let answer = line(prompt)?.trimmingCharacters(in: .whitespaces) else { return .quit }
        switch answer.lowercased() {
        case "q", "quit", m("triage.key_quit"): return .quit
        case "", "r", m("triage.key_refresh"): return .refresh
        default:
            guard let n = Int(answer), n >= 1, n <= shown else { return .invalid }
            return .open(n)
        }
    }

    /// Clears the terminal before a new screen, when output goes to one.
    static func clearScreen() {
        if isatty(STDOUT_FILENO) == 1 { FileHandle.standardOutput.write(Data("\u{1B}[2J\u{1B}[H".utf8)) }
    }

    /// One value of an enumeration, by number or code; Enter keeps the default.
    func choose<T: RawRepresentable<String> & CaseIterable>(
        _ question: String, _ type: T.Type, prefix: String, default value: T?, presentation p: Presentation
    ) -> T? {
        let all = Array(T.allCases)
        print(question)
        for (index, option) in all.enumerated() {
            print("  \(index + 1)) \(p.label(prefix, option.rawValue))")
        }
        while true {
            let shown = value.map { " [\(p.label(prefix, $0.rawValue))]" } ?? ""
            guard let answer = line("› \(m("prompt.choose"))\(shown): ")?.trimmingCharacters(in: .whitespaces) else {
                return value
            }
            if answer.isEmpty { return value }
            if let n = Int(answer), (1...all.count).contains(n) { return all[n - 1] }
            if let found = T(rawValue: answer) { return found }
            print(m("prompt.invalid"))
        }
    }

    /// Several values: numbers or codes separated by commas.
    func chooseMany<T: RawRepresentable<String> & CaseIterable>(
        _ question: String, _ type: T.Type, prefix: String, default values: [T], presentation p: Presentation
    ) -> [T] {
        let all = Array(T.allCases)
        print(question)
        for (index, option) in all.enumerated() {
            print("  \(index + 1)) \(p.label(prefix, option.rawValue))")
        }
        while true {
            let shown =
                values.isEmpty ? "" : " [\(values.map { p.label(prefix, $0.rawValue) }.joined(separator: ", "))]"
            guard let answer = line("› \(m("prompt.choose_many"))\(shown): ")?.trimmingCharacters(in: .whitespaces)
            else { return values }
            if answer.isEmpty, !values.isEmpty { return values }
            let parts = answer.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            let chosen = parts.compactMap { part -> T? in
                if let n = Int(part), (1...all.count).contains(n) { return all[n - 1] }
                return T(rawValue: part)
            }
            if !chosen.isEmpty, chosen.count == parts.count { return chosen }
            print(m("prompt.invalid"))
        }
    }

    /// A whole number, at least 0.
    func count(_ question: String, default value: Int) -> Int {
        while true {
            guard let answer = line("\(question) [\(value)]: ")?.trimmingCharacters(in: .whitespaces) else {
                return value
            }
            if answer.isEmpty { return value }
            if let n = Int(answer), n >= 0, n < 10_000 { return n }
            print(m("prompt.invalid_count"))
        }
    }

    /// Free text; Enter keeps the default.
    func text(_ question: String, default value: String?) -> String? {
        let shown = value.map { " [\(Presentation.firstLine($0, width: 30))]" } ?? ""
        guard let answer = line("\(question)\(shown): ") else { return value }
        return answer.isEmpty ? value : answer
    }

    /// Yes or no.
    func confirm(_ question: String) -> Bool {
        guard let answer = line("\(question) [\(m("answer.yes_key"))/\(m("answer.no_key"))]: ") else { return false }
        let lowered = answer.lowercased()
        return lowered == m("answer.yes_key").lowercased() || lowered == "y" || lowered == "yes"
    }
}

/// The registration fields as flags, shared by `register` and the interactive session.
struct RegistrationOptions: ParsableArguments {
    @Option(
        help:
            "How the report arrived (default web-form for a collected report): \(Channel.allCases.map(\.rawValue).joined(separator: ", "))."
    )
    var channel: String?

    @Option(help: "Who reported: \(EntryReporterRole.allCases.map(\.rawValue).joined(separator: ", ")).")
    var reporterRole: String?

    @Option(help: "Types of cruelty, comma-separated: \(CrueltyType.allCases.map(\.rawValue).joined(separator: ", ")).")
    var type: String?

    @Option(help: "Where: \(Place.allCases.map(\.rawValue).joined(separator: ", ")).")
    var place: String?

    @Option(help: "When: \(Timing.allCases.map(\.rawValue).joined(separator: ", ")), or a date.")
    var occurred: String?

    @Option(help: "Number of victims.")
    var victims: Int?

    @Option(help: "Number of initiators/aggressors.")
    var aggressors: Int?

    @Option(help: "Number of witnesses.")
    var witnesses: Int?

    @Option(help: "Who the alleged aggressor is: \(AggressorKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var aggressorKind: String?

    @Option(name: .customLong("class"), help: "Class or grade.")
    var classOrGrade: String?

    @Option(help: "A short summary for the journal.")
    var summary: String?

    @Option(help: "The reporter's words (for a report that did not come through the form).")
    var text: String?

    @Option(help: "Read the reporter's words from this file.")
    var textFile: String?

    @Option(help: "Names of those involved.")
    var names: String?

    @Option(help: "How to contact the reporter.")
    var contact: String?

    @Option(help: "When the report was received, YYYY-MM-DDTHH:MM (school time; default now).")
    var received: String?

    @Flag(help: "Someone is in danger right now.")
    var inDanger = false

    @Option(
        help: ArgumentHelp(
            "Restrict the entry to this member (repeat for several); no one else ever gets its key.",
            valueName: "name"))
    var restrictTo: [String] = []

    @Option(help: "Why the entry is restricted (required with --restrict-to); kept encrypted with the entry.")
    var restrictReason: String?

    func validate() throws {
        func check<T: RawRepresentable<String> & CaseIterable>(_ value: String?, _ type: T.Type, _ flag: String) throws
        {
            guard let value else { return }
            guard T(rawValue: value) != nil else {
                throw ValidationError(
                    "unknown \(flag) \(value); one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        try check(channel, Channel.self, "--channel")
        try check(reporterRole, EntryReporterRole.self, "--reporter-role")
        try check(place, Place.self, "--place")
        try check(aggressorKind, AggressorKind.self, "--aggressor-kind")
        for part in (type ?? "").split(separator: ",") where CrueltyType(rawValue: String(part)) == nil {
            throw ValidationError(
                "unknown --type \(part); one of: \(CrueltyType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (flag, value) in [("--victims", victims), ("--aggressors", aggressors), ("--witnesses", witnesses)] {
            if let value, value < 0 { throw ValidationError("\(flag) must be 0 or more") }
        }
        if text != nil, textFile != nil { throw ValidationError("give --text or --text-file, not both") }
        if !restrictTo.isEmpty, (restrictReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--restrict-to needs --restrict-reason: say why the entry is restricted")
        }
    }

    var types: [CrueltyType]? {
        type.map { $0.split(separator: ",").compactMap { CrueltyType(rawValue: String($0)) } }
    }

    /// Applies the flags given over a starting registration.
    func apply(to base: inout Registration) throws {
        if let channel { base.channel = Channel(rawValue: channel)! }
        if let reporterRole { base.reporterRole = EntryReporterRole(rawValue: reporterRole)! }
        if let types { base.types = types }
        if let place { base.place = place }
        if let occurred { base.occurred = occurred }
        if let victims { base.victims = victims }
        if let aggressors { base.aggressors = aggressors }
        if let witnesses { base.witnesses = witnesses }
        if let aggressorKind { base.aggressorKind = AggressorKind(rawValue: aggressorKind)! }
        if let classOrGrade { base.classOrGrade = classOrGrade }
        if let summary { base.summary = summary }
        if let names { base.names = names }
        if let contact { base.contact = contact }
        if inDanger { base.inDanger = true }
        if !restrictTo.isEmpty {
            base.restrictTo = restrictTo
            base.restrictionReason = restrictReason
        }
        if let text { base.words = text }
        if let textFile { base.words = try String(contentsOfFile: textFile, encoding: .utf8) }
    }

    func receivedDate(timeZone: TimeZone, now: Date) throws -> Date {
        guard let received else { return now }
        let formatter = DateFormatter()
        formatter.timeZone = timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: received) { return date }
        }
        throw ValidationError("--received must look like 2026-11-22T09:30")
    }

    /// Whether any registration field was given as a flag.
    var anyGiven: Bool {
        type != nil || place != nil || victims != nil || aggressors != nil || witnesses != nil
            || aggressorKind != nil || summary != nil || channel != nil
    }
}

/// Asks the lead for each registration field, with the report's answers as defaults.
struct RegistrationDialogue {
    let prompter: Prompter
    let p: Presentation

    func run(_ r: inout Registration, askChannel: Bool) {
        let m = prompter.m
        if askChannel {
            r.channel =
                prompter.choose(m("ask.channel"), Channel.self, prefix: "channel", default: r.channel, presentation: p)
                ?? r.channel
            r.reporterRole =
                prompter.choose(
                    m("ask.reporter"), EntryReporterRole.self, prefix: "reporter", default: r.reporterRole,
                    presentation: p) ?? r.reporterRole
        }
        r.types = prompter.chooseMany(
            m("ask.types"), CrueltyType.self, prefix: "type", default: r.types, presentation: p)
        r.place =
            prompter.choose(
                m("ask.place"), Place.self, prefix: "place", default: r.place.flatMap(Place.init(rawValue:)),
                presentation: p)?.rawValue
        r.victims = prompter.count(m("ask.victims"), default: r.victims)
        r.aggressors = prompter.count(m("ask.aggressors"), default: r.aggressors)
        r.witnesses = prompter.count(m("ask.witnesses"), default: r.witnesses)
        r.aggressorKind =
            prompter.choose(
                m("ask.aggressor_kind"), AggressorKind.self, prefix: "aggressor", default: r.aggressorKind,
                presentation: p) ?? r.aggressorKind
        r.classOrGrade = prompter.text(m("ask.class"), default: r.classOrGrade)
        r.summary = prompter.text(m("ask.summary"), default: r.summary)
    }
}

/// `senim register`: turn a report into a numbered journal entry.
struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a report as a journal entry with the next number of the academic year.",
        discussion: """
            With a report ID, registers a report collected from the intake; without one, registers a \
            report that came another way (--channel phone, in-person, written, …) — give the reporter's \
            words with --text or --text-file. At a terminal, asks for each field not given as a flag; \
            with --json or --no-input it asks nothing and uses the report's answers and the defaults \
            (1 victim, 0 aggressors, 0 witnesses, aggressor unknown).
            """)

    @Argument(help: "The report's ID (first 4–8 hex digits), from 'senim inbox'.")
    var id: String?

    @OptionGroup var fields: RegistrationOptions

    @Flag(help: "Ask nothing; use the flags, the report's answers and the defaults.")
    var noInput = false

    @Flag(help: "Print the new entry as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if id == nil, fields.text == nil, fields.textFile == nil {
            throw ValidationError(
                "give a report ID, or --channel with --text or --text-file for a report that came another way")
        }
        if id != nil, fields.text != nil || fields.textFile != nil {
            throw ValidationError(
                "--text and --text-file are for reports without an ID: a collected report keeps its own words")
        }
    }

    func run() async throws {
        let session = try options.unlock()
        let now = options.now()
        let m = options.messages
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        var registration: Registration
        if let id {
            let item = try options.run { try session.show(report: id, now: now) }
            registration = Registration(report: item.report!)
            if !json { print(p.reportText(item) + "\n") }
        } else {
            registration = Registration(
                channel: .other, reporterRole: .anonymous, types: [], words: "",
                receivedAt: try fields.receivedDate(timeZone: session.timeZone, now: now))
        }
        try fields.apply(to: &registration)
        let interactive = !json && !noInput && isatty(STDIN_FILENO) == 1
        if interactive {
            RegistrationDialogue(prompter: Prompter(m: m), p: p).run(&registration, askChannel: id == nil)
        }
        if registration.types.isEmpty {
            throw CLIError(m("error.no_types"), hint: m("hint.no_types"))
        }
        let detail = try options.run { try session.register(report: id, registration, now: now) }
        if json {
            try JSONOutput.print(EntryJSON(detail.record, detail: detail))
        } else {
            print(m("register.done", ["number": detail.record.number]))
        }
    }
}
