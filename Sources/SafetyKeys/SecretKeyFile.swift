import CSodium
import Foundation
import ReportFormat

/// Argon2id cost parameters stored with a wrapped secret.
public struct KDFParameters: Equatable, Sendable {
    /// Number of passes.
    public var opsLimit: UInt64
    /// Memory in bytes.
    public var memLimit: UInt64

    /// libsodium's MODERATE limits (3 passes, 256 MiB): the least Senim writes.
    public static var moderate: KDFParameters {
        KDFParameters(
            opsLimit: UInt64(crypto_pwhash_opslimit_moderate()), memLimit: UInt64(crypto_pwhash_memlimit_moderate()))
    }

    /// Cheap parameters for tests that wrap many keys. Never written by the `senim` command.
    public static var testOnlyInteractive: KDFParameters {
        KDFParameters(
            opsLimit: UInt64(crypto_pwhash_opslimit_interactive()),
            memLimit: UInt64(crypto_pwhash_memlimit_interactive()))
    }

    /// Bounds accepted on reading, so a hostile file cannot ask for unbounded work.
    static let acceptedOps: ClosedRange<UInt64> = 1...64
    static let acceptedMem: ClosedRange<UInt64> = 8 << 20...(4 << 30)
}

/// Why a secret-key file could not be read or unlocked.
public enum SecretKeyError: Error, Equatable, Sendable {
    /// No `senim-secret-1` line.
    case missingKeyLine
    /// More than one key line.
    case severalKeyLines
    /// The tag names a version this code does not know.
    case unsupportedTag(String)
    /// The key line is not valid base64 or has the wrong length.
    case malformed
    /// A key-derivation algorithm or cost this code does not accept.
    case unsupportedParameters
    /// The passphrase does not unlock the key (or the file was altered).
    case wrongPassphrase
    /// The key unlocked, but it does not match its stated key ID.
    case keyIDMismatch
    /// The file exists and `--force` was not given.
    case exists(path: String)
    /// The file could not be written or read.
    case io(path: String, reason: String)
    /// The passphrase is too short to protect a key.
    case weakPassphrase(minimum: Int)
}

/// A passphrase-wrapped secret: the body of a `senim-secret-1` line.
///
/// Binary layout (113 bytes): kdf `0x01` (Argon2id v1.3) ‖ opslimit (u64 LE) ‖ memlimit (u64 LE)
/// ‖ salt (16) ‖ key ID (8) ‖ nonce (24) ‖ XChaCha20-Poly1305 ciphertext of the 32-byte secret (48).
/// The AEAD's additional data is the tag and every byte before the ciphertext.
public struct WrappedSecret: Equatable, Sendable {
    static let kdfArgon2id13: UInt8 = 1
    static let secretLength = 32

    public let parameters: KDFParameters
    public let salt: [UInt8]
    public let keyID: KeyID
    public let nonce: [UInt8]
    public let ciphertext: [UInt8]

    static var saltLength: Int { Int(crypto_pwhash_saltbytes()) }
    static var nonceLength: Int { Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()) }
    static var tagLength: Int { Int(crypto_aead_xchacha20poly1305_ietf_abytes()) }
    static var encodedLength: Int { 1 + 8 + 8 + saltLength + 8 + nonceLength + secretLength + tagLength }

    /// Parses the binary body exactly.
    public init(bytes: [UInt8]) throws(SecretKeyError) {
        guard bytes.count == Self.encodedLength else { throw .malformed }
        guard bytes[0] == Self.kdfArgon2id13 else { throw .unsupportedParameters }
        var offset = 1
        func take(_ n: Int) -> [UInt8] {
            defer { offset += n }
            return Array(bytes[offset..<offset + n])
        }
        func u64(_ b: [UInt8]) -> UInt64 { b.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) } }
        let ops = u64(take(8))
        let mem = u64(take(8))
        guard KDFParameters.acceptedOps.contains(ops), KDFParameters.acceptedMem.contains(mem) else {
            throw .unsupportedParameters
        }
        parameters = KDFParameters(opsLimit: ops, memLimit: mem)
        salt = take(Self.saltLength)
        keyID = KeyID(bytes: take(FormatConstants.keyIDLength))!
        nonce = take(Self.nonceLength)
        ciphertext = take(Self.secretLength + Self.tagLength)
    }

    /// The binary body.
    public var bytes: [UInt8] {
        associatedData + ciphertext
    }

    private var associatedData: [UInt8] {
        func le(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        return [Self.kdfArgon2id13] + le(parameters.opsLimit) + le(parameters.memLimit) + salt + keyID.bytes + nonce
    }

    private static func aad(_ body: [UInt8]) -> [UInt8] { Array(FormatConstants.secretKeyTag.utf8) + body }

    /// Wraps a 32-byte secret under a passphrase.
    public static func wrap(
        secret: SecureBytes, keyID: KeyID, passphrase: Passphrase, parameters: KDFParameters = .moderate
    ) throws(SecretKeyError) -> WrappedSecret {
        precondition(secret.count == secretLength)
        let salt = Sodium.randomBytes(saltLength)
        let nonce = Sodium.randomBytes(nonceLength)
        let key = try deriveKey(passphrase: passphrase, salt: salt, parameters: parameters)
        var partial = try! WrappedSecret(
            bytes: [kdfArgon2id13] + le(parameters.opsLimit) + le(parameters.memLimit) + salt + keyID.bytes + nonce
                + [UInt8](repeating: 0, count: secretLength + tagLength))
        let ad = aad(partial.associatedData)
        var ciphertext = [UInt8](repeating: 0, count: secretLength + tagLength)
        var written: UInt64 = 0
        let rc = secret.withPointer { m in
            key.withPointer { k in
                crypto_aead_xchacha20poly1305_ietf_encrypt(
                    &ciphertext, &written, m, UInt64(secretLength), ad, UInt64(ad.count), nil, nonce, k)
            }
        }
        precondition(rc == 0 && written == UInt64(ciphertext.count), "AEAD encryption failed")
        partial = try! WrappedSecret(bytes: partial.associatedData + ciphertext)
        return partial
    }

    private static func le(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// Unwraps the 32-byte secret; `.wrongPassphrase` if the passphrase (or file) is wrong.
    public func unwrap(passphrase: Passphrase) throws(SecretKeyError) -> SecureBytes {
        let key = try Self.deriveKey(passphrase: passphrase, salt: salt, parameters: parameters)
        let secret = SecureBytes(count: Self.secretLength)
        let ad = Self.aad(associatedData)
        var written: UInt64 = 0
        let rc = secret.withPointer { m in
            key.withPointer { k in
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    m, &written, nil, ciphertext, UInt64(ciphertext.count), ad, UInt64(ad.count), nonce, k)
            }
        }
        guard rc == 0, written == UInt64(Self.secretLength) else { throw .wrongPassphrase }
        return secret
    }

    static func deriveKey(
        passphrase: Passphrase, salt: [UInt8], parameters: KDFParameters
    ) throws(SecretKeyError) -> SecureBytes {
        let key = SecureBytes(count: Int(crypto_aead_xchacha20poly1305_ietf_keybytes()))
        let rc = key.withPointer { k in
            passphrase.storage.withUnsafeBytes { p in
                crypto_pwhash(
                    k, UInt64(key.count), p.baseAddress!.assumingMemoryBound(to: CChar.self),
                    UInt64(passphrase.length), salt, parameters.opsLimit, Int(parameters.memLimit),
                    crypto_pwhash_alg_argon2id13())
            }
        }
        guard rc == 0 else { throw .unsupportedParameters }
        return key
    }
}

/// The text of a secret-key file: comment lines, then `senim-secret-1 <base64>`.
public struct SecretKeyFile: Equatable, Sendable {
    public let wrapped: WrappedSecret
    /// Extra comment lines to write (for example "TEST ONLY").
    public var label: String?

    public init(wrapped: WrappedSecret, label: String? = nil) {
        self.wrapped = wrapped
        self.label = label
    }

    /// Parses file text; comment lines are allowed and ignored.
    public init(fileText: String) throws(SecretKeyError) {
        var lines: [Substring] = []
        for raw in fileText.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            lines.append(Substring(line))
        }
        guard let line = lines.first else { throw .missingKeyLine }
        guard lines.count == 1 else { throw .severalKeyLines }
        let parts = line.split(separator: " ")
        guard parts.count == 2 else { throw .malformed }
        guard parts[0] == FormatConstants.secretKeyTag else { throw .unsupportedTag(String(parts[0].prefix(32))) }
        // Only the canonical encoding: Foundation also accepts non-zero padding bits and a surplus '=',
        // which would give one key several lines and break parse → serialise.
        guard let data = Data(base64Encoded: String(parts[1])), data.base64EncodedString() == parts[1] else {
            throw .malformed
        }
        self.wrapped = try WrappedSecret(bytes: Array(data))
        self.label = nil
    }

    /// The key line alone: parse → serialise reproduces it exactly.
    public var keyLine: String {
        "\(FormatConstants.secretKeyTag) \(Data(wrapped.bytes).base64EncodedString())"
    }

    /// The whole file text.
    public var fileText: String {
        var text = "# senim secret key (X25519), key id \(wrapped.keyID.hex)\n"
        text += "# encrypted with a passphrase: Argon2id (ops \(wrapped.parameters.opsLimit), "
        text += "mem \(wrapped.parameters.memLimit >> 20) MiB) + XChaCha20-Poly1305. Keep it private.\n"
        if let label { text += "# \(label)\n" }
        return text + keyLine + "\n"
    }
}
