import ArgumentParser
import Foundation
import ReportFormat
import SafetyKeys

/// `senim keys`: the safety service's sealing keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create the safety service's sealing keys.",
        subcommands: [KeysGenerate.self])
}

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

/// Reading passphrases for commands, with localised errors.
enum PassphraseInput {
    /// A new passphrase: from a file, or asked twice at the terminal.
    static func newPassphrase(file: String?, prompt: String? = nil, messages m: Messages) throws -> Passphrase {
        do {
            if let file { return try PassphraseReader.read(fromFile: file) }
            let first = try PassphraseReader.prompt(prompt ?? m("prompt.new_passphrase"))
            let second = try PassphraseReader.prompt(m("prompt.repeat_passphrase"))
            guard first.matches(second) else { throw PassphraseError.mismatch }
            return first
        } catch let error as PassphraseError {
            throw cliError(error, file: file, messages: m)
        }
    }

    static func cliError(_ error: PassphraseError, file: String?, messages m: Messages) -> CLIError {
        switch error {
        case .noTerminal: CLIError(m("error.no_terminal"), hint: m("hint.no_terminal"))
        case .unreadableFile(let path, let reason):
            CLIError(m("error.passphrase_file", ["path": path, "reason": reason]), hint: m("hint.passphrase_file"))
        case .empty: CLIError(m("error.empty_passphrase"), hint: m("hint.empty_passphrase"))
        case .tooLong(let max): CLIError(m("error.long_passphrase", ["max": "\(max)"]), hint: m("hint.long_passphrase"))
        case .mismatch: CLIError(m("error.mismatch"), hint: m("hint.mismatch"))
        }
    }
}

/// Localised words for key-file errors.
enum KeyErrorMessages {
    static func cliError(_ error: any Error, path: String, messages m: Messages) -> CLIError {
        guard let error = error as? SecretKeyError else {
            return CLIError(m("error.key_file", ["path": path, "reason": "\(error)"]), hint: m("hint.key_file"))
        }
        switch error {
        case .exists(let path): return CLIError(m("error.exists", ["path": path]), hint: m("hint.exists"))
        case .io(let path, let reason):
            return CLIError(m("error.io", ["path": path, "reason": reason]), hint: m("hint.io"))
        case .wrongPassphrase:
            return CLIError(m("error.wrong_passphrase", ["path": path]), hint: m("hint.wrong_passphrase"))
        case .weakPassphrase(let minimum):
            return CLIError(m("error.weak_passphrase", ["min": "\(minimum)"]), hint: m("hint.weak_passphrase"))
        case .missingKeyLine, .severalKeyLines, .unsupportedTag, .malformed, .unsupportedParameters,
            .keyIDMismatch:
            return CLIError(m("error.key_file", ["path": path, "reason": "\(error)"]), hint: m("hint.key_file"))
        }
    }
}
