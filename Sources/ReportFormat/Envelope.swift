/// Why bytes are not a sealed envelope this code can read.
public enum EnvelopeError: Error, Equatable, Sendable {
    /// Shorter than the smallest possible envelope.
    case truncated(length: Int, minimum: Int)
    /// Longer than the largest possible envelope by `count` bytes.
    case trailingBytes(count: Int)
    /// Does not start with the magic bytes "SNIM".
    case badMagic
    /// A format version this code does not read.
    case unsupportedVersion(UInt8)
    /// Between two valid sizes: bytes are missing or were added.
    case invalidLength(Int)
    /// Sealed to a different public key.
    case wrongKey(expected: KeyID, found: KeyID)
}

/// A sealed report, version 1.
///
/// Layout: `"SNIM"` (4) ‖ version `0x01` (1) ‖ key ID (8) ‖ `crypto_box_seal(padded payload)`.
/// The sealed part is always one padding bucket plus the seal overhead (48 bytes).
public struct Envelope: Equatable, Sendable {
    /// The recipient key's ID.
    public let keyID: KeyID
    /// The `crypto_box_seal` output.
    public let sealedBox: [UInt8]

    /// All lengths a valid envelope can have.
    public static var validLengths: [Int] {
        FormatConstants.paddingBuckets.map { FormatConstants.envelopeHeaderLength + Sodium.sealOverhead + $0 }
    }

    /// Builds an envelope from its parts; the sealed box must have a valid length.
    public init(keyID: KeyID, sealedBox: [UInt8]) throws(EnvelopeError) {
        let total = FormatConstants.envelopeHeaderLength + sealedBox.count
        try Self.checkLength(total)
        self.keyID = keyID
        self.sealedBox = sealedBox
    }

    /// Parses envelope bytes exactly: every byte is accounted for.
    public init(parsing bytes: some Collection<UInt8>) throws(EnvelopeError) {
        let bytes = Array(bytes)
        let header = FormatConstants.envelopeHeaderLength
        let magic = FormatConstants.envelopeMagic
        if bytes.count >= magic.count, Array(bytes[0..<magic.count]) != magic { throw .badMagic }
        if bytes.count > magic.count, bytes[magic.count] != FormatConstants.envelopeVersion {
            throw .unsupportedVersion(bytes[magic.count])
        }
        try Self.checkLength(bytes.count)
        let idBytes = Array(bytes[(magic.count + 1)..<header])
        self.keyID = KeyID(bytes: idBytes)!
        self.sealedBox = Array(bytes[header...])
    }

    /// The serialised envelope.
    public var bytes: [UInt8] {
        FormatConstants.envelopeMagic + [FormatConstants.envelopeVersion] + keyID.bytes + sealedBox
    }

    /// The size of the padded payload inside.
    public var paddedPayloadLength: Int { sealedBox.count - Sodium.sealOverhead }

    /// Throws `.wrongKey` unless the envelope was sealed to `keyID`.
    public func checkRecipient(_ expected: KeyID) throws(EnvelopeError) {
        guard expected == keyID else { throw .wrongKey(expected: expected, found: keyID) }
    }

    private static func checkLength(_ length: Int) throws(EnvelopeError) {
        let valid = validLengths
        if valid.contains(length) { return }
        if length < valid[0] { throw .truncated(length: length, minimum: valid[0]) }
        if length > valid[valid.count - 1] { throw .trailingBytes(count: length - valid[valid.count - 1]) }
        throw .invalidLength(length)
    }
}
