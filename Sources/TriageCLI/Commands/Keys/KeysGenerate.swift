import ArgumentParser
import Foundation
import ReportFormat
import SafetyKeys

/// `senim keys generate`: a new X25519 key pair, the secret half passphrase-protected.
struct KeysGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Create the safety service's key pair: NAME.pub for the intake, NAME.key kept secret.",
        discussion: """
            The secret key is encrypted with your passphrase (Argon2id, libsodium MODERATE limits, \
            XChaCha20-Poly1305) and written with mode 0600; an existing file is never replaced \
            without --force. Copy only NAME.pub to the intake host.
            """)

    @Option(help: "Folder to write the two files into.")
    var out: String

    @Option(help: "File name without extension.")
    var name: String = "safety-service"

    @Option(help: "Read the passphrase from the first line of this file instead of asking.")
    var passphraseFile: String?

    @Flag(help: "Replace existing key files (the old secret key is lost).")
    var force = false

    @Option(help: .hidden)
    var comment: String?

    @OptionGroup var common: CommonOptions

    /// Fewest characters a passphrase may have.
    static let minimumPassphraseLength = 10

    func run() async throws {
        let m = common.messages
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }),
            !name.hasPrefix(".")
        else {
            throw CLIError(m("error.bad_name", ["name": name]), hint: m("hint.bad_name"))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError(m("error.no_folder", ["path": out]), hint: m("hint.no_folder"))
        }
        let base = URL(fileURLWithPath: out).appendingPathComponent(name)
        let publicPath = base.path + ".pub"
        let secretPath = base.path + ".key"
        if !force {
            // Refuse before asking for a passphrase or spending a second on Argon2id.
            for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
                throw CLIError(m("error.exists", ["path": path]), hint: m("hint.exists"))
            }
        }
        let passphrase = try PassphraseInput.newPassphrase(file: passphraseFile, messages: m)
        guard passphrase.characterCount >= Self.minimumPassphraseLength else {
            throw CLIError(
                m("error.weak_passphrase", ["min": "\(Self.minimumPassphraseLength)"]), hint: m("hint.weak_passphrase"))
        }
        let pair = SealingKeyPair()
        do {
            var file = try pair.wrap(passphrase: passphrase)
            file.label = comment
            try KeyFiles.writeSecret(file.fileText, to: secretPath, force: force)
            try KeyFiles.writePublic(pair.publicKey.fileText, to: publicPath, force: force)
        } catch {
            throw KeyErrorMessages.cliError(error, path: secretPath, messages: m)
        }
        print(m("keys.created_public", ["path": publicPath, "id": pair.publicKey.keyID.hex]))
        print(m("keys.created_secret", ["path": secretPath]))
    }
}
