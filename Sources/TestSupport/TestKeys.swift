import Foundation
import ReportFormat
import SafetyKeys

/// Fixture keys for tests. TEST ONLY: their passphrase is public, in this file.
public enum TestKeys {
    /// The passphrase of the fixture secret key. TEST ONLY.
    public static let passphrase = "TEST ONLY passphrase, never for real reports"

    /// The fixture folder.
    public static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// `test-only.pub`.
    public static var publicKeyURL: URL { directory.appendingPathComponent("test-only.pub") }
    /// `test-only.key`.
    public static var secretKeyURL: URL { directory.appendingPathComponent("test-only.key") }

    /// The fixture public key.
    public static func publicKey() throws -> SealingPublicKey {
        try SealingPublicKey(contentsOf: publicKeyURL)
    }

    /// The fixture key pair, unlocked.
    public static func keyPair() throws -> SealingKeyPair {
        let file = try SecretKeyFile(fileText: String(contentsOf: secretKeyURL, encoding: .utf8))
        return try SealingKeyPair(file: file, passphrase: Passphrase(passphrase))
    }
}
