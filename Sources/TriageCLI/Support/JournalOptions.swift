import ArgumentParser
import Foundation
import Journal
import ReportFormat
import SafetyKeys

/// Options every journal command shares.
struct JournalOptions: ParsableArguments {
    @Option(help: "The journal folder [SENIM_JOURNAL].")
    var journal: String?

    @Option(name: .customLong("as"), help: "The member acting [SENIM_MEMBER] (default: the only member).")
    var member: String?

    @Option(help: "Read the passphrase from the first line of this file [SENIM_PASSPHRASE_FILE].")
    var passphraseFile: String?

    @OptionGroup var common: CommonOptions

    var messages: Messages { common.messages }
    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The journal folder, from the flag or the environment.
    func journalDirectory() throws -> URL {
        guard let path = journal ?? environment["SENIM_JOURNAL"] else {
            throw CLIError(messages("error.no_journal_option"), hint: messages("hint.no_journal_option"))
        }
        return URL(fileURLWithPath: path)
    }

    /// The current time. `SENIM_NOW` (ISO 8601) fixes it, for tests and demonstrations only.
    func now() -> Date {
        environment["SENIM_NOW"].flatMap { try? Date($0, strategy: .iso8601) } ?? Date()
    }

    /// Opens the journal without unlocking it (for what needs only public keys).
    func open() throws -> Journal {
        do {
            return try Journal(directory: try journalDirectory())
        } catch let error as JournalError {
            throw JournalMessages.cliError(error, messages: messages)
        }
    }

    /// Opens the journal and unlocks it, asking for the passphrase once if no file is given.
    func unlock() throws -> JournalSession { try unlock(try open()) }

    /// Unlocks a journal already opened.
    func unlock(_ journal: Journal) throws -> JournalSession {
        let m = messages
        let name = member ?? environment["SENIM_MEMBER"]
        let members = try journal.members()
        let shownName = name ?? (members.count == 1 ? members[0].name : "")
        let passphrase: Passphrase
        do {
            if let file = passphraseFile ?? environment["SENIM_PASSPHRASE_FILE"] {
                passphrase = try PassphraseReader.read(fromFile: file)
            } else {
                if name == nil, members.count > 1 {
                    throw JournalMessages.cliError(.chooseMember(members.map(\.name)), messages: m)
                }
                passphrase = try PassphraseReader.prompt(m("prompt.passphrase", ["member": shownName]))
            }
        } catch let error as PassphraseError {
            throw PassphraseInput.cliError(error, file: passphraseFile, messages: m)
        }
        let session: JournalSession
        do {
            session = try journal.unlock(member: name, passphrase: passphrase, now: now())
        } catch let error as JournalError {
            throw JournalMessages.cliError(error, messages: m)
        }
        // Guessing shows at once, to whoever unlocks next, and stays in the audit for the director.
        for failed in session.failedUnlocks {
            TerminalText.write(
                m("unlock.failed_unlocks", ["name": failed.memberName, "count": "\(failed.count)", "day": failed.day])
                    + "\n", to: .standardError)
        }
        if !session.failedUnlocks.isEmpty {
            TerminalText.write(m("unlock.failed_unlocks_hint") + "\n", to: .standardError)
        }
        return session
    }
}
