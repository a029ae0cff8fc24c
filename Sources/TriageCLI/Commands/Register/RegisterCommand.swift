import ArgumentParser
import Foundation
import Journal
import ReportFormat

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
            throw ValidationError(Messages.forUsage("usage.register_what"))
        }
        if id != nil, fields.text != nil || fields.textFile != nil {
            throw ValidationError(Messages.forUsage("usage.register_text_with_id"))
        }
    }

    func run() async throws {
        let session = try options.unlock()
        let now = options.now()
        let m = options.messages
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        var registration: Registration
        if let id {
            let item = try session.show(report: id, now: now)
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
        let detail = try session.register(report: id, registration, now: now)
        if json {
            try JSONOutput.print(EntryJSON(detail.record, detail: detail))
        } else {
            print(m("register.done", ["number": detail.record.number]))
        }
    }
}
