import ArgumentParser
import Foundation
import Journal
import ReportFormat

/// `senim`: the safety service's terminal program.
public struct SenimCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "senim",
        abstract: "Senim triage: collect sealed reports, read them, and keep the confidential incident journal.",
        subcommands: [
            InitCommand.self, PullCommand.self, InboxCommand.self, ShowCommand.self, RegisterCommand.self,
            AssessCommand.self, StepsCommand.self, DueCommand.self, PlanCommand.self, JournalCommand.self,
            MembersCommand.self, ReviewCommand.self, StatsCommand.self, AuditCommand.self, TriageCommand.self,
            KeysCommand.self,
        ])

    public init() {}

    /// Runs the command line and turns errors into `senim: error: …` and `hint: …`.
    public static func runMain(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Int32 {
        if let first = arguments.first, !first.hasPrefix("-"), first != "help",
            !configuration.subcommands.contains(where: {
                $0._commandName == first || $0.configuration.aliases.contains(first)
            })
        {
            let m = Messages(language: language(of: arguments))
            return report(
                CLIError(m("error.usage.unknown_command", ["name": first]), hint: m("hint.usage.commands"), status: 64))
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as JournalError {
            // Converted here, once, for every command: a journal error never reaches the lead untranslated.
            return report(JournalMessages.cliError(error, messages: Messages(language: language(of: arguments))))
        } catch let error as CLIError {
            return report(error)
        } catch {
            // SQLite's own errors (busy, disk full, …) in the user's words, wherever they came from.
            if let storage = JournalError.storage(from: error) {
                return report(JournalMessages.cliError(storage, messages: Messages(language: language(of: arguments))))
            }
            let code = exitCode(for: error)
            if code == .validationFailure,
                let usage = UsageError.cliError(
                    message: message(for: error), full: fullMessage(for: error),
                    messages: Messages(language: language(of: arguments)))
            {
                return report(usage)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                TerminalText.write(message + "\n", to: stream)
            }
            return code.rawValue
        }
    }
}

extension Messages {
    /// The messages for a command line that cannot run, in the language it asked for: a check that runs while the
    /// line is parsed has no options of its own to ask.
    static var forUsage: Messages {
        Messages(language: SenimCommand.language(of: Array(CommandLine.arguments.dropFirst())))
    }
}

/// A command line ArgumentParser could not read, in the `senim: error:` / `hint:` form and the lead's language
/// (issue 16). ArgumentParser's own errors are not public types, so the kind is read from its English message; one
/// of a kind not listed keeps that message as the reason.
enum UsageError {
    static func cliError(message: String, full: String, messages m: Messages) -> CLIError? {
        guard !message.isEmpty else { return nil }
        // "See 'senim steps --help' for more information." names the command that was meant.
        let command = full.firstMatch(of: #/See '([^']+) --help'/#).map { String($0.1) } ?? "senim"
        // "--quarter <quarter>" is how ArgumentParser names an option with its value: the option is enough.
        func quoted(_ text: Substring) -> String { String(text.prefix { $0 != " " }) }
        let text: String
        if let match = message.wholeMatch(of: #/Missing expected argument '([^']+)'/#) {
            text = m("error.usage.missing_argument", ["command": command, "name": quoted(match.1)])
        } else if let match = message.wholeMatch(of: #/Unexpected argument '([^']*)'/#) {
            text = m("error.usage.unexpected", ["command": command, "name": quoted(match.1)])
        } else if let match = message.wholeMatch(of: #/[0-9]+ unexpected arguments: '([^']*)'.*/#) {
            text = m("error.usage.unexpected", ["command": command, "name": quoted(match.1)])
        } else if let match = message.wholeMatch(of: #/Unknown option '([^']+)'(?:\. Did you mean '[^']+'\?)?/#) {
            text = m("error.usage.unknown_option", ["command": command, "name": quoted(match.1)])
        } else if let match = message.wholeMatch(of: #/Missing value for '([^']+)'/#) {
            text = m("error.usage.missing_value", ["name": quoted(match.1)])
        } else if let match = message.firstMatch(of: #/^The value '([^']*)' is invalid for '([^']+)'/#) {
            text = m("error.usage.invalid_value", ["value": quoted(match.1), "name": quoted(match.2)])
        } else {
            text = m("error.usage.other", ["command": command, "reason": message])
        }
        return CLIError(text, hint: m("hint.usage", ["command": command]), status: 64)
    }
}

extension SenimCommand {
    /// Prints `senim: error: …` and `hint: …` on stderr; the exit status of a failed command.
    static func report(_ error: CLIError) -> Int32 {
        var text = "senim: error: \(error.message)\n"
        if let hint = error.hint { text += "hint: \(hint)\n" }
        TerminalText.write(text, to: .standardError)
        return error.status
    }

    /// The language a command line asked for (`--lang`), else the environment's, for errors that escape a command.
    static func language(of arguments: [String]) -> Language {
        if let index = arguments.firstIndex(of: "--lang"), index + 1 < arguments.count,
            let language = Language(rawValue: arguments[index + 1])
        {
            return language
        }
        if let joined = arguments.first(where: { $0.hasPrefix("--lang=") }),
            let language = Language(rawValue: String(joined.dropFirst("--lang=".count)))
        {
            return language
        }
        return Messages.languageFromEnvironment(ProcessInfo.processInfo.environment)
    }
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Language of messages: kk, ru or en (default: SENIM_LANG, then the locale).")
    var lang: String?

    var messages: Messages {
        let environment = ProcessInfo.processInfo.environment
        let language = lang.flatMap(Language.init(rawValue:)) ?? Messages.languageFromEnvironment(environment)
        return Messages(language: language)
    }

    func validate() throws {
        if let lang, Language(rawValue: lang) == nil {
            throw ValidationError(Messages.forUsage("usage.lang"))
        }
    }
}
