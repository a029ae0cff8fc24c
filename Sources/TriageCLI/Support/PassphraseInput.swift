import ArgumentParser
import Foundation
import ReportFormat
import SafetyKeys

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
