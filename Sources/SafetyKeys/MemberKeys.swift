import CSodium
import Foundation
import ReportFormat

/// A journal member's keys, all derived from one 32-byte seed held in locked memory:
/// an X25519 key pair that secrets are sealed to, and an Ed25519 key pair that signs
/// what the member does. Only the seed is stored, wrapped under the member's passphrase.
public final class MemberKeys: Sendable {
    private let seed: SecureBytes
    private let boxSecret: SecureBytes
    private let signSecret: SecureBytes
    /// X25519 public key: secrets for this member are sealed to it.
    public let boxPublicKey: [UInt8]
    /// Ed25519 public key: verifies this member's signatures.
    public let signPublicKey: [UInt8]

    /// The key ID of the box public key.
    public var keyID: KeyID { KeyID(publicKey: boxPublicKey) }

    /// New random keys.
    public convenience init() {
        let seed = SecureBytes(count: 32)
        seed.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, 32) }
        self.init(seed: seed)
    }

    /// Keys derived from a seed (which the value takes ownership of).
    public init(seed: SecureBytes) {
        precondition(seed.count == 32)
        Sodium.ensureInitialised()
        self.seed = seed
        let box = SecureBytes(count: Int(crypto_box_secretkeybytes()))
        let signSeed = SecureBytes(count: Int(crypto_sign_seedbytes()))
        let sign = SecureBytes(count: Int(crypto_sign_secretkeybytes()))
        Self.derive(seed, context: "senim member box v1", into: box)
        Self.derive(seed, context: "senim member sign v1", into: signSeed)
        var boxPK = [UInt8](repeating: 0, count: Int(crypto_box_publickeybytes()))
        var signPK = [UInt8](repeating: 0, count: Int(crypto_sign_publickeybytes()))
        _ = box.withPointer { crypto_scalarmult_base(&boxPK, $0) }
        _ = signSeed.withPointer { s in sign.withPointer { crypto_sign_seed_keypair(&signPK, $0, s) } }
        boxSecret = box
        signSecret = sign
        boxPublicKey = boxPK
        signPublicKey = signPK
    }

    private static func derive(_ seed: SecureBytes, context: String, into out: SecureBytes) {
        let key = Array(context.utf8)
        _ = seed.withPointer { s in
            out.withPointer { o in
                crypto_generichash(o, out.count, s, UInt64(seed.count), key, key.count)
            }
        }
    }

    /// Unlocks a member's keys from their wrapped seed.
    public convenience init(wrapped: SecretKeyFile, passphrase: Passphrase) throws(SecretKeyError) {
        let seed = try wrapped.wrapped.unwrap(passphrase: passphrase)
        self.init(seed: seed)
        guard keyID == wrapped.wrapped.keyID else { throw .keyIDMismatch }
    }

    /// The seed wrapped under a passphrase, for storage.
    public func wrap(passphrase: Passphrase, parameters: KDFParameters = .moderate) throws(SecretKeyError)
        -> SecretKeyFile
    {
        SecretKeyFile(
            wrapped: try WrappedSecret.wrap(secret: seed, keyID: keyID, passphrase: passphrase, parameters: parameters))
    }

    /// Opens a secret sealed to this member (`crypto_box_seal_open`).
    public func openSealed(_ sealed: [UInt8]) throws(OpenError) -> SecureBytes {
        guard sealed.count > Sodium.sealOverhead else { throw .cannotOpen }
        let out = SecureBytes(count: sealed.count - Sodium.sealOverhead)
        let rc = out.withPointer { m in
            boxSecret.withPointer { sk in crypto_box_seal_open(m, sealed, UInt64(sealed.count), boxPublicKey, sk) }
        }
        guard rc == 0 else { throw .cannotOpen }
        return out
    }

    /// Signs a message with the member's Ed25519 key.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Sodium.signatureLength)
        _ = signSecret.withPointer { crypto_sign_detached(&signature, nil, message, UInt64(message.count), $0) }
        return signature
    }
}

/// Seals secret bytes (in locked memory) to an X25519 public key.
public func sealSecret(_ secret: SecureBytes, to publicKey: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: secret.count + Sodium.sealOverhead)
    _ = secret.withPointer { crypto_box_seal(&out, $0, UInt64(secret.count), publicKey) }
    return out
}

/// A random 32-byte symmetric key in locked memory.
public func randomSecretKey() -> SecureBytes {
    Sodium.ensureInitialised()
    let key = SecureBytes(count: 32)
    key.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, 32) }
    return key
}

/// An Ed25519 signing key held in locked memory (the journal's collector key).
public final class SigningKey: Sendable {
    private let secret: SecureBytes
    /// The public half.
    public let publicKey: [UInt8]

    /// From a 32-byte seed.
    public init(seed: SecureBytes) {
        precondition(seed.count == 32)
        let secret = SecureBytes(count: Int(crypto_sign_secretkeybytes()))
        var pk = [UInt8](repeating: 0, count: Sodium.signPublicKeyLength)
        _ = seed.withPointer { s in secret.withPointer { crypto_sign_seed_keypair(&pk, $0, s) } }
        self.secret = secret
        publicKey = pk
    }

    /// Signs `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Sodium.signatureLength)
        _ = secret.withPointer { crypto_sign_detached(&signature, nil, message, UInt64(message.count), $0) }
        return signature
    }
}

/// Authenticated encryption of journal fields under a data key (XChaCha20-Poly1305),
/// each ciphertext bound to its entry and field name through the additional data.
public enum FieldCipher {
    /// Nonce length.
    public static var nonceLength: Int { Int(crypto_aead_xchacha20poly1305_ietf_npubbytes()) }

    /// Encrypts `plaintext`; returns nonce ‖ ciphertext.
    public static func seal(_ plaintext: [UInt8], key: SecureBytes, context: String) -> [UInt8] {
        let nonce = Sodium.randomBytes(nonceLength)
        let ad = Array(context.utf8)
        var out = [UInt8](repeating: 0, count: plaintext.count + Int(crypto_aead_xchacha20poly1305_ietf_abytes()))
        var written: UInt64 = 0
        _ = key.withPointer { k in
            crypto_aead_xchacha20poly1305_ietf_encrypt(
                &out, &written, plaintext, UInt64(plaintext.count), ad, UInt64(ad.count), nil, nonce, k)
        }
        return nonce + out
    }

    /// Decrypts nonce ‖ ciphertext made by `seal` with the same key and context.
    public static func open(_ sealed: [UInt8], key: SecureBytes, context: String) throws(OpenError) -> [UInt8] {
        let tag = Int(crypto_aead_xchacha20poly1305_ietf_abytes())
        guard sealed.count >= nonceLength + tag else { throw .cannotOpen }
        let nonce = Array(sealed[0..<nonceLength])
        let body = Array(sealed[nonceLength...])
        let ad = Array(context.utf8)
        var out = [UInt8](repeating: 0, count: body.count - tag)
        var written: UInt64 = 0
        let rc = key.withPointer { k in
            crypto_aead_xchacha20poly1305_ietf_decrypt(
                &out, &written, nil, body, UInt64(body.count), ad, UInt64(ad.count), nonce, k)
        }
        guard rc == 0 else { throw .cannotOpen }
        return out
    }
}
