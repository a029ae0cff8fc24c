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
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                TerminalText.write(message + "\n", to: stream)
            }
            return code.rawValue
        }
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
            throw ValidationError("--lang must be kk, ru or en")
        }
    }
}
