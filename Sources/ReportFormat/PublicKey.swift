import Foundation

/// The 8-byte identifier of a recipient public key: the first 8 bytes of
/// BLAKE2b-256("senim key id v1" ‖ public key).
public struct KeyID: Hashable, Sendable, CustomStringConvertible {
    /// The raw 8 bytes.
    public let bytes: [UInt8]

    /// Wraps raw bytes; nil unless there are exactly 8.
    public init?(bytes: [UInt8]) {
        guard bytes.count == FormatConstants.keyIDLength else { return nil }
        self.bytes = bytes
    }

    /// Parses 16 lowercase or uppercase hex digits (through `Data(hex:)`, which no input can trap).
    public init?(hex: String) {
        guard let bytes = Data(hex: hex), bytes.count == FormatConstants.keyIDLength else { return nil }
        self.bytes = Array(bytes)
    }

    /// Derives the key ID of a public key.
    public init(publicKey: [UInt8]) {
        let digest = Sodium.genericHash(FormatConstants.keyIDContext + publicKey, length: 32)
        self.bytes = Array(digest.prefix(FormatConstants.keyIDLength))
    }

    /// Lowercase hex, 16 digits.
    public var hex: String { bytes.map { String(format: "%02x", $0) }.joined() }

    public var description: String { hex }
}

/// Why a public-key file could not be read.
public enum PublicKeyError: Error, Equatable, Sendable {
    /// No line starts with the expected tag.
    case missingKeyLine
    /// More than one key line.
    case severalKeyLines
    /// The tag names a version this code does not know.
    case unsupportedTag(String)
    /// The key is not valid base64 of the right length.
    case malformedKey
    /// The comment names a key ID that does not match the key.
    case keyIDMismatch(stated: String, actual: KeyID)
}

/// The safety service's X25519 public key, to which every report is sealed.
///
/// File format (text, UTF-8): optional `#` comment lines, then one line
/// `senim-public-1 <base64 of 32 bytes>`. The writer adds a comment giving the key ID.
public struct SealingPublicKey: Equatable, Sendable {
    /// The 32 raw key bytes.
    public let bytes: [UInt8]
    /// The key's ID.
    public let keyID: KeyID

    /// Wraps raw key bytes; nil unless there are 32.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Sodium.boxPublicKeyLength else { return nil }
        self.bytes = bytes
        self.keyID = KeyID(publicKey: bytes)
    }

    /// Parses the text of a public-key file.
    public init(fileText: String) throws(PublicKeyError) {
        var keyLines: [Substring] = []
        var statedID: String?
        for rawLine in fileText.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                if let range = line.range(of: "key id ") {
                    statedID = String(line[range.upperBound...].prefix(16))
                }
                continue
            }
            keyLines.append(Substring(line))
        }
        guard let line = keyLines.first else { throw .missingKeyLine }
        guard keyLines.count == 1 else { throw .severalKeyLines }
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { throw .malformedKey }
        guard parts[0] == FormatConstants.publicKeyTag else {
            throw .unsupportedTag(String(parts[0].prefix(32)))
        }
        guard let data = Data(base64Encoded: String(parts[1])),
            let key = SealingPublicKey(bytes: Array(data))
        else { throw .malformedKey }
        if let statedID, statedID != key.keyID.hex {
            throw .keyIDMismatch(stated: statedID, actual: key.keyID)
        }
        self = key
    }

    /// Reads and parses a public-key file.
    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        try self.init(fileText: text)
    }

    /// The file text: a comment with the key ID, then the key line.
    public var fileText: String {
        """
        # senim public key for sealing reports (X25519), key id \(keyID.hex)
        \(FormatConstants.publicKeyTag) \(Data(bytes).base64EncodedString())

        """
    }
}

/// The journal's collector key: an Ed25519 public key with which the intake checks that a
/// collection request comes from the triage side.
///
/// File format: optional `#` comments, then `senim-collector-1 <base64 of 32 bytes>`.
public struct CollectorPublicKey: Equatable, Sendable {
    /// The 32 raw key bytes.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Sodium.signPublicKeyLength else { return nil }
        self.bytes = bytes
    }

    /// Parses the text of a collector key file.
    public init(fileText: String) throws(PublicKeyError) {
        let lines = fileText.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let line = lines.first else { throw .missingKeyLine }
        guard lines.count == 1 else { throw .severalKeyLines }
        let parts = line.split(separator: " ")
        guard parts.count == 2 else { throw .malformedKey }
        guard parts[0] == FormatConstants.collectorKeyTag else { throw .unsupportedTag(String(parts[0].prefix(32))) }
        guard let data = Data(base64Encoded: String(parts[1])), let key = CollectorPublicKey(bytes: Array(data)) else {
            throw .malformedKey
        }
        self = key
    }

    /// Reads and parses a collector key file.
    public init(contentsOf url: URL) throws {
        try self.init(fileText: try String(contentsOf: url, encoding: .utf8))
    }

    /// The file text.
    public var fileText: String {
        """
        # senim collector key (Ed25519): the intake lets only the holder of the matching secret collect reports
        \(FormatConstants.collectorKeyTag) \(Data(bytes).base64EncodedString())

        """
    }
}
