import Foundation
import ReportFormat
import SafetyKeys

/// The cheapest Argon2id cost the reader accepts (1 pass, 8 MiB): for tests that unwrap many times.
/// Never written by the `senim` command.
var cheapestParameters: KDFParameters {
    var parameters = KDFParameters.testOnlyInteractive
    parameters.opsLimit = 1
    parameters.memLimit = 8 << 20
    return parameters
}

/// Offsets of each part of the 113-byte wrapped-secret body, as documented on `WrappedSecret`.
enum WrappedLayout {
    static let kdf = 0..<1
    static let opsLimit = 1..<9
    static let memLimit = 9..<17
    static let salt = 17..<33
    static let keyID = 33..<41
    static let nonce = 41..<65
    static let ciphertext = 65..<113
    static let length = 113
}

/// A `senim-secret-1` key line for arbitrary body bytes.
func keyLine(body: [UInt8], tag: String = "senim-secret-1") -> String {
    "\(tag) \(Data(body).base64EncodedString())"
}

/// Writes `u64` little-endian into `bytes` at `offset`.
func setLittleEndian(_ value: UInt64, in bytes: inout [UInt8], at offset: Int) {
    for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
}

/// A fresh 32-byte X25519 secret in locked memory.
func randomSecret() -> SecureBytes {
    var bytes = Sodium.randomBytes(32)
    defer { bytes = [UInt8](repeating: 0, count: 32) }
    return bytes.withUnsafeBytes { SecureBytes(copying: $0) }
}
