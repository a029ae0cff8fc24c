import ArgumentParser
import Foundation
import Journal
import SafetyKeys

/// `senim journal restore`: a backup into a new journal folder, verified.
struct JournalRestore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new journal folder and verify its whole chain.")

    @Argument(help: "The backup file.")
    var file: String

    @Option(help: "Read the backup passphrase from this file instead of asking.")
    var backupPassphraseFile: String?

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let directory = try options.journalDirectory()
        let passphrase = try Self.passphrase(file: backupPassphraseFile, messages: m)
        let restored = try Journal.restore(from: file, to: directory, passphrase: passphrase)
        let result = restored.verification
        print(
            m(
                "restore.done",
                [
                    "path": directory.path, "by": restored.header.createdBy,
                    "at": restored.header.createdAt, "events": "\(result.events)",
                ]))
        for failure in result.failures { print("✗ " + JournalVerify.describe(failure, messages: m)) }
        if result.isIntact {
            print("✓ " + m("verify.intact"))
            print(m("restore.head", ["head": restored.header.head ?? "—"]))
        } else {
            print(m("verify.failed", ["count": "\(result.failures.count)"]))
            throw ExitCode(1)
        }
    }

    /// The backup passphrase, from a file or asked once.
    static func passphrase(file: String?, messages m: Messages) throws -> Passphrase {
        do throws(PassphraseError) {
            if let file { return try PassphraseReader.read(fromFile: file) }
            return try PassphraseReader.prompt(m("prompt.backup_passphrase_restore"))
        } catch {
            throw PassphraseInput.cliError(error, file: file, messages: m)
        }
    }
}
