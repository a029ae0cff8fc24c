import CSodium

/// The public-key half of Senim's libsodium wrapper.
///
/// It holds only what a host without any secret key may do: random bytes, hashing,
/// padding and sealing to a public key. Opening a sealed box and everything touching a
/// secret key lives in `SafetyKeys`, which the intake does not link. That split is
/// deliberate: it makes "the intake cannot open a report" a property of the build graph.
public enum Sodium {
    /// Initialises libsodium once. Traps if the library cannot start: nothing in Senim
    /// is safe to do without it.
    public static func ensureInitialised() {
        _ = initialised
    }

    private static let initialised: Bool = {
        guard sodium_init() >= 0 else {
            fatalError("senim: libsodium failed to initialise")
        }
        return true
    }()

    /// Cryptographically secure random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialised()
        var bytes = [UInt8](repeating: 0, count: count)
        if count > 0 { bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) } }
        return bytes
    }

    /// A uniformly random integer in `0..<upperBound`.
    public static func randomUniform(_ upperBound: UInt32) -> UInt32 {
        ensureInitialised()
        return randombytes_uniform(upperBound)
    }

    /// Whether two byte strings are equal, in time that does not depend on where they differ.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        ensureInitialised()
        return sodium_memcmp(a, b, a.count) == 0
    }

    /// BLAKE2b of `input` with an optional key; `length` in 16...64.
    public static func genericHash(_ input: [UInt8], key: [UInt8] = [], length: Int = 32) -> [UInt8] {
        ensureInitialised()
        var out = [UInt8](repeating: 0, count: length)
        let rc = input.withUnsafeBufferPointer { inPtr in
            key.withUnsafeBufferPointer { keyPtr in
                crypto_generichash(
                    &out, length, inPtr.baseAddress, UInt64(input.count),
                    key.isEmpty ? nil : keyPtr.baseAddress, key.count)
            }
        }
        precondition(rc == 0, "crypto_generichash failed")
        return out
    }

    /// Length of an X25519 public key.
    public static var boxPublicKeyLength: Int { Int(crypto_box_publickeybytes()) }
    /// Overhead a sealed box adds to its plaintext.
    public static var sealOverhead: Int { Int(crypto_box_sealbytes()) }
    /// Length of an Ed25519 public key.
    public static var signPublicKeyLength: Int { Int(crypto_sign_publickeybytes()) }
    /// Length of an Ed25519 detached signature.
    public static var signatureLength: Int { Int(crypto_sign_bytes()) }

    /// Seals `message` anonymously to `publicKey` (`crypto_box_seal`).
    public static func seal(_ message: [UInt8], to publicKey: [UInt8]) -> [UInt8] {
        ensureInitialised()
        precondition(publicKey.count == boxPublicKeyLength, "wrong public key length")
        var out = [UInt8](repeating: 0, count: message.count + sealOverhead)
        let rc = crypto_box_seal(&out, message, UInt64(message.count), publicKey)
        precondition(rc == 0, "crypto_box_seal failed")
        return out
    }

    /// Pads `bytes` with ISO/IEC 7816-4 padding (`sodium_pad`) to exactly `size` bytes.
    /// Returns nil if `bytes` does not fit (padding always adds at least one byte).
    public static func pad(_ bytes: [UInt8], to size: Int) -> [UInt8]? {
        ensureInitialised()
        guard bytes.count < size else { return nil }
        var buffer = bytes + [UInt8](repeating: 0, count: size - bytes.count)
        var paddedLength = 0
        let rc = buffer.withUnsafeMutableBufferPointer {
            sodium_pad(&paddedLength, $0.baseAddress!, bytes.count, size, size)
        }
        guard rc == 0, paddedLength == size else { return nil }
        return buffer
    }

    /// Removes `sodium_pad` padding for a block size of `blockSize`; nil if the padding is invalid.
    public static func unpad(_ bytes: [UInt8], blockSize: Int) -> [UInt8]? {
        ensureInitialised()
        guard !bytes.isEmpty, blockSize > 0 else { return nil }
        var unpaddedLength = 0
        let rc = bytes.withUnsafeBufferPointer {
            sodium_unpad(&unpaddedLength, $0.baseAddress!, bytes.count, blockSize)
        }
        guard rc == 0 else { return nil }
        return Array(bytes[0..<unpaddedLength])
    }

    /// Verifies an Ed25519 detached signature.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        ensureInitialised()
        guard signature.count == signatureLength, publicKey.count == signPublicKeyLength else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    /// Compares two byte strings in constant time (for equal lengths).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        ensureInitialised()
        return sodium_memcmp(a, b, a.count) == 0
    }
}
