/// Every constant of Senim's on-disk and on-wire formats, in one place.
///
/// Changing any value here changes a format: bump the matching version and
/// document it in `FORMAT.md`.
public enum FormatConstants {
    /// The first four bytes of every sealed envelope: ASCII "SNIM".
    public static let envelopeMagic: [UInt8] = [0x53, 0x4E, 0x49, 0x4D]
    /// The envelope format version this code reads and writes.
    public static let envelopeVersion: UInt8 = 1
    /// Length of a key ID in bytes.
    public static let keyIDLength = 8
    /// Envelope header: magic, version, key ID.
    public static let envelopeHeaderLength = envelopeMagic.count + 1 + keyIDLength

    /// The padded payload sizes. A payload is padded to the smallest bucket that holds it,
    /// so a stored envelope reveals only which of these few buckets the report fell into.
    public static let paddingBuckets: [Int] = [4_096, 16_384, 65_536, 262_144]

    /// The payload schema version written into every report.
    public static let payloadSchemaVersion = 1

    /// Domain-separation prefix hashed with a public key to derive its key ID.
    public static let keyIDContext = Array("senim key id v1".utf8)

    /// The tag that starts the line of a public-key file.
    public static let publicKeyTag = "senim-public-1"
    /// The tag that starts the line of a collector-key file (Ed25519 public key).
    public static let collectorKeyTag = "senim-collector-1"
    /// The tag that starts the line of a secret-key file.
    public static let secretKeyTag = "senim-secret-1"

    /// Collection API: the signature scheme named in the `Authorization` header.
    public static let collectorAuthScheme = "Senim-Collector"
    /// Collection API: the context string that starts every signed request.
    public static let collectorSignatureContext = "senim-collect-v2"
    /// Collection API: how far a request's time may be from the intake's clock, in seconds.
    public static let collectorMaxClockSkew = 300

    /// Limits on report fields, counted in Unicode scalars.
    public enum Limits {
        /// The reporter's own words.
        public static let text = 20_000
        /// Names of those involved.
        public static let names = 2_000
        /// A way to contact the reporter.
        public static let contact = 300
        /// Class or grade.
        public static let classOrGrade = 20
    }
}
