import CSodium
import Foundation
import ReportFormat

/// Why a sealed report did not open.
public enum OpenError: Error, Equatable, Sendable {
    /// The envelope was sealed to another key.
    case wrongKey(expected: KeyID, found: KeyID)
    /// The sealed box does not open with this key: it was altered or forged.
    case cannotOpen
    /// It opened, but the payload inside is not a report.
    case payload(PayloadError)
}

/// The safety service's X25519 key pair, with the secret half in locked memory.
public final class SealingKeyPair: Sendable {
    /// The public half.
    public let publicKey: SealingPublicKey
    private let secret: SecureBytes

    /// Generates a fresh key pair.
    public init() {
        Sodium.ensureInitialised()
        let secret = SecureBytes(count: Int(crypto_box_secretkeybytes()))
        var pk = [UInt8](repeating: 0, count: Sodium.boxPublicKeyLength)
        let rc = secret.withPointer { crypto_box_keypair(&pk, $0) }
        precondition(rc == 0, "crypto_box_keypair failed")
        self.secret = secret
        self.publicKey = SealingPublicKey(bytes: pk)!
    }

    /// Rebuilds a key pair from its 32-byte secret; the public key is derived from it.
    public init(secret: SecureBytes) {
        precondition(secret.count == Int(crypto_box_secretkeybytes()))
        var pk = [UInt8](repeating: 0, count: Sodium.boxPublicKeyLength)
        let rc = secret.withPointer { crypto_scalarmult_base(&pk, $0) }
        precondition(rc == 0, "crypto_scalarmult_base failed")
        self.secret = secret
        self.publicKey = SealingPublicKey(bytes: pk)!
    }

    /// Unlocks a secret-key file with a passphrase.
    public convenience init(file: SecretKeyFile, passphrase: Passphrase) throws(SecretKeyError) {
        let secret = try file.wrapped.unwrap(passphrase: passphrase)
        self.init(secret: secret)
        guard publicKey.keyID == file.wrapped.keyID else { throw .keyIDMismatch }
    }

    /// Wraps the secret half under a passphrase for a key file.
    public func wrap(passphrase: Passphrase, parameters: KDFParameters = .moderate) throws(SecretKeyError)
        -> SecretKeyFile
    {
        SecretKeyFile(
            wrapped: try WrappedSecret.wrap(
                secret: secret, keyID: publicKey.keyID, passphrase: passphrase, parameters: parameters))
    }

    /// The secret half sealed to another X25519 public key (to share the service key with a member).
    public func sealSecret(to publicKey: [UInt8]) -> [UInt8] {
        SafetyKeys.sealSecret(secret, to: publicKey)
    }

    /// Opens an envelope's sealed box, returning the padded payload in locked memory.
    public func openPayload(_ envelope: Envelope) throws(OpenError) -> SecureBytes {
        guard envelope.keyID == publicKey.keyID else {
            throw .wrongKey(expected: publicKey.keyID, found: envelope.keyID)
        }
        let box = envelope.sealedBox
        let plain = SecureBytes(count: box.count - Sodium.sealOverhead)
        let rc = plain.withPointer { m in
            secret.withPointer { sk in
                crypto_box_seal_open(m, box, UInt64(box.count), publicKey.bytes, sk)
            }
        }
        guard rc == 0 else { throw .cannotOpen }
        return plain
    }

    /// Opens an envelope's sealed box into ordinary memory, for bulk collection: the report
    /// becomes Swift strings right after anyway, and `sodium_malloc` costs two system calls.
    public func openPayloadBytes(_ envelope: Envelope) throws(OpenError) -> [UInt8] {
        guard envelope.keyID == publicKey.keyID else {
            throw .wrongKey(expected: publicKey.keyID, found: envelope.keyID)
        }
        let box = envelope.sealedBox
        var plain = [UInt8](repeating: 0, count: box.count - Sodium.sealOverhead)
        let rc = secret.withPointer { sk in
            crypto_box_seal_open(&plain, box, UInt64(box.count), publicKey.bytes, sk)
        }
        guard rc == 0 else { throw .cannotOpen }
        return plain
    }

    /// Opens an envelope and decodes the report inside.
    public func open(_ envelope: Envelope) throws(OpenError) -> Report {
        let plain = try openPayload(envelope)
        let bytes = plain.withUnsafeBytes { Array($0) }
        do {
            return try Report(paddedPayload: bytes)
        } catch {
            throw .payload(error)
        }
    }
}

/// Writing key files: secret files with `O_EXCL` and mode 0600, never overwritten silently.
public enum KeyFiles {
    /// Writes `text` to `path` with mode 0600, failing if the file exists unless `force`.
    public static func writeSecret(_ text: String, to path: String, force: Bool) throws(SecretKeyError) {
        try write(text, to: path, mode: 0o600, force: force)
    }

    /// Writes a public-key file (mode 0644), failing if it exists unless `force`.
    public static func writePublic(_ text: String, to path: String, force: Bool) throws(SecretKeyError) {
        try write(text, to: path, mode: 0o644, force: force)
    }

    /// Writes any file senim keeps beside its keys (a calendar, a counter) the same way: never through a
    /// symbolic link planted at `path`, replaced atomically when `force`.
    public static func write(_ text: String, to path: String, mode: mode_t, force: Bool) throws(SecretKeyError) {
        if force {
            // Replace atomically: write a fresh file beside it, then rename over.
            let temporary = path + ".tmp-\(Sodium.randomBytes(4).map { String($0, radix: 16) }.joined())"
            try create(text, at: temporary, mode: mode)
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw .io(path: path, reason: reason)
            }
        } else {
            try create(text, at: path, mode: mode)
        }
    }

    private static func create(_ text: String, at path: String, mode: mode_t) throws(SecretKeyError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 {
            if errno == EEXIST { throw .exists(path: path) }
            throw .io(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        // The umask may have narrowed the mode; a secret file is 0600 whatever the umask.
        fchmod(fd, mode)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        guard fsync(fd) == 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
    }
}
