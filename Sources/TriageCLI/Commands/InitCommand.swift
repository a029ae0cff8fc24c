import ArgumentParser
import Foundation
import Journal
import ReportFormat
import SafetyKeys

/// `senim init`: a new journal, its first member (the lead) and the service's keys.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an incident journal with its first member, the safety-service lead.",
        discussion: """
            Creates DIR/journal.sqlite, the lead's key pair (wrapped under their own passphrase, \
            Argon2id MODERATE) and the service's sealing key pair — new, or imported with --import-key \
            from 'senim keys generate'. Writes DIR/safety-service.pub and DIR/collector.pub: copy both \
            into the intake's Keys/ folder.
            """)

    @Option(help: "The journal folder to create [SENIM_JOURNAL].")
    var journal: String?

    @Option(help: "The lead's member name.")
    var name: String = "lead"

    @Option(help: "Read the lead's new passphrase from this file instead of asking.")
    var passphraseFile: String?

    @Option(help: "Use this secret key from 'senim keys generate' as the service's sealing key.")
    var importKey: String?

    @Option(help: "The passphrase file of --import-key (otherwise asked).")
    var importPassphraseFile: String?

    @Option(help: "The school's time zone (IANA name).")
    var timeZone: String = "Asia/Almaty"

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if TimeZone(identifier: timeZone) == nil {
            throw ValidationError(Messages.forUsage("usage.time_zone", ["value": timeZone]))
        }
        if name.isEmpty || name.count > 64 || name.contains(where: { $0.isWhitespace || $0.isNewline }) {
            throw ValidationError(Messages.forUsage("usage.member_name"))
        }
    }

    func run() async throws {
        let m = common.messages
        guard let path = journal ?? ProcessInfo.processInfo.environment["SENIM_JOURNAL"] else {
            throw CLIError(m("error.no_journal_option"), hint: m("hint.no_journal_option"))
        }
        let directory = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(JournalDatabase.fileName).path) {
            throw JournalMessages.cliError(.journalExists(path: path), messages: m)
        }
        var serviceKey: SealingKeyPair?
        if let importKey {
            let text: String
            do {
                text = try String(contentsOfFile: importKey, encoding: .utf8)
            } catch {
                throw CLIError(
                    m("error.key_file", ["path": importKey, "reason": "\(error.localizedDescription)"]),
                    hint: m("hint.key_file"))
            }
            let passphrase: Passphrase
            do {
                passphrase =
                    try importPassphraseFile.map { try PassphraseReader.read(fromFile: $0) }
                    ?? PassphraseReader.prompt(m("prompt.import_passphrase", ["path": importKey]))
            } catch let error as PassphraseError {
                throw PassphraseInput.cliError(error, file: importPassphraseFile, messages: m)
            }
            do {
                serviceKey = try SealingKeyPair(file: SecretKeyFile(fileText: text), passphrase: passphrase)
            } catch {
                throw KeyErrorMessages.cliError(error, path: importKey, messages: m)
            }
        }
        let passphrase = try PassphraseInput.newPassphrase(file: passphraseFile, messages: m)
        guard passphrase.characterCount >= KeysGenerate.minimumPassphraseLength else {
            throw CLIError(
                m("error.weak_passphrase", ["min": "\(KeysGenerate.minimumPassphraseLength)"]),
                hint: m("hint.weak_passphrase"))
        }
        let now = ProcessInfo.processInfo.environment["SENIM_NOW"].flatMap { try? Date($0, strategy: .iso8601) }
        let created: Journal.Created
        do {
            created = try Journal.create(
                directory: directory, leadName: name, passphrase: passphrase, serviceKey: serviceKey,
                timeZone: TimeZone(identifier: timeZone)!, now: now ?? Date())
        } catch let error as JournalError {
            throw JournalMessages.cliError(error, messages: m)
        }
        if json {
            struct Output: Encodable {
                let journal: String
                let member: String
                let keyID: String
                let publicKey: String
                let collectorKey: String
            }
            try JSONOutput.print(
                Output(
                    journal: directory.path, member: name, keyID: created.keyID.hex,
                    publicKey: created.servicePublicKeyPath, collectorKey: created.collectorPublicKeyPath))
            return
        }
        print(m("init.created", ["path": directory.path, "name": name]))
        print(m("init.public_key", ["path": created.servicePublicKeyPath, "id": created.keyID.hex]))
        print(m("init.collector_key", ["path": created.collectorPublicKeyPath]))
        print(m("init.next"))
    }
}
