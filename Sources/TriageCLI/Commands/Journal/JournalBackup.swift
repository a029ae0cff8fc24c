import ArgumentParser
import Foundation
import Journal
import SafetyKeys

/// `senim journal backup`: one encrypted, verifiable file, made while the journal is in use.
struct JournalBackup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write one encrypted, verifiable backup of the journal (safe while the journal is in use).",
        discussion: """
            The backup is encrypted under a backup passphrase of its own (Argon2id, XChaCha20-Poly1305 in blocks); \
            keep that passphrase apart from the file, e.g. in the director's safe. The backup records the head of \
            the event log, and restoring it checks that the log reaches exactly that head.
            """)

    @Argument(help: "The backup file to write (never overwritten).")
    var file: String

    @Option(help: "Read the backup passphrase from this file instead of asking twice.")
    var backupPassphraseFile: String?

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        if FileManager.default.fileExists(atPath: file) {
            throw JournalMessages.cliError(.backup(.exists(path: file)), messages: m)
        }
        let session = try options.unlock()
        // Told before choosing a backup passphrase for nothing.
        guard session.member.role.readsAllEntries else {
            throw JournalError.notAllowed(member: session.member.name, action: .backup)
        }
        let passphrase = try PassphraseInput.newPassphrase(
            file: backupPassphraseFile, prompt: m("prompt.backup_passphrase"), messages: m)
        guard passphrase.characterCount >= KeysGenerate.minimumPassphraseLength else {
            throw CLIError(
                m("error.weak_passphrase", ["min": "\(KeysGenerate.minimumPassphraseLength)"]),
                hint: m("hint.weak_passphrase"))
        }
        let header = try session.backup(to: file, passphrase: passphrase, now: options.now())
        print(m("backup.written", ["path": file, "events": "\(header.events)", "head": header.head ?? "—"]))
        print(m("backup.keep_apart"))
    }
}
