import ArgumentParser
import Foundation
import ReportFormat
import SafetyKeys

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
