import Foundation

/// The languages of the form and of every user-facing text.
public enum Language: String, Codable, CaseIterable, Sendable {
    case kk, ru, en
}

/// Who is reporting.
public enum ReporterRole: String, Codable, CaseIterable, Sendable {
    case studentSelf = "student-self"
    case studentOther = "student-other"
    case parent
    case staff
    case other
}

/// What happened, as the reporter names it.
public enum Concern: String, Codable, CaseIterable, Sendable {
    case physical, psychological, sexual, neglect, exploitation, bullying, cyberbullying
    case selfHarm = "self-harm"
    case other
}

/// Where it happened.
public enum Place: String, Codable, CaseIterable, Sendable {
    case school
    case onTheWay = "on-the-way"
    case outsideSchool = "outside-school"
    case home, online
}

/// When it happened.
public enum Timing: String, Codable, CaseIterable, Sendable {
    case today
    case thisWeek = "this-week"
    case earlier
    case ongoing
}

/// The payload sealed inside an envelope: a report as the reporter wrote it.
///
/// Serialised as UTF-8 JSON with sorted keys; `receivedHour` is the receipt time
/// rounded down to the hour, in UTC — never more precise.
public struct Report: Codable, Equatable, Sendable {
    /// Payload schema version.
    public var schema: Int
    /// The form language.
    public var language: Language
    /// Receipt time rounded down to the hour, ISO 8601 UTC, e.g. `2026-11-22T03:00:00Z`.
    public var receivedHour: String
    public var reporter: ReporterRole
    public var what: [Concern]
    public var place: Place?
    public var timing: Timing?
    /// "Is anyone in danger right now?"
    public var inDanger: Bool
    public var classOrGrade: String?
    /// The reporter's own words.
    public var text: String
    public var names: String?
    public var contact: String?

    enum CodingKeys: String, CodingKey {
        case schema = "v"
        case language = "lang"
        case receivedHour = "received"
        case reporter, what
        case place = "where"
        case timing = "when"
        case inDanger = "danger"
        case classOrGrade = "class"
        case text, names, contact
    }

    public init(
        language: Language, receivedHour: String, reporter: ReporterRole, what: [Concern],
        place: Place?, timing: Timing?, inDanger: Bool, classOrGrade: String?, text: String,
        names: String?, contact: String?
    ) {
        self.schema = FormatConstants.payloadSchemaVersion
        self.language = language
        self.receivedHour = receivedHour
        self.reporter = reporter
        self.what = what
        self.place = place
        self.timing = timing
        self.inDanger = inDanger
        self.classOrGrade = classOrGrade
        self.text = text
        self.names = names
        self.contact = contact
    }

    /// The time rounded down to the hour, as stored in a payload.
    public static func hour(of date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let floored = Date(timeIntervalSince1970: TimeInterval(seconds - seconds % 3600))
        return floored.formatted(.iso8601)
    }

    /// The UTC day of a date, `YYYY-MM-DD`, as stored in a spool row.
    public static func day(of date: Date) -> String {
        String(hour(of: date).prefix(10))
    }

    /// The canonical JSON bytes.
    public func jsonBytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}

/// Why a decrypted payload is not a report.
public enum PayloadError: Error, Equatable, Sendable {
    /// The padded length is not one of the padding buckets.
    case notABucket(Int)
    /// The padding is malformed.
    case badPadding
    /// The JSON does not decode as a report.
    case malformedJSON
    /// A payload schema this code does not read.
    case unsupportedSchema(Int)
    /// Too large for the largest bucket.
    case tooLarge(Int)
}

extension Report {
    /// Pads the JSON to the smallest bucket that holds it.
    public func paddedPayload() throws -> [UInt8] {
        let json = try jsonBytes()
        guard let bucket = FormatConstants.paddingBuckets.first(where: { json.count < $0 }) else {
            throw PayloadError.tooLarge(json.count)
        }
        return Sodium.pad(json, to: bucket)!
    }

    /// Decodes a padded payload (the plaintext of a sealed box).
    public init(paddedPayload: [UInt8]) throws(PayloadError) {
        try self.init(json: try Self.json(paddedPayload: paddedPayload))
    }

    /// The JSON inside a padded payload.
    public static func json(paddedPayload: [UInt8]) throws(PayloadError) -> [UInt8] {
        guard FormatConstants.paddingBuckets.contains(paddedPayload.count) else {
            throw .notABucket(paddedPayload.count)
        }
        guard let json = Sodium.unpad(paddedPayload, blockSize: paddedPayload.count) else {
            throw .badPadding
        }
        return json
    }

    /// Decodes payload JSON, checking the schema version.
    public init(json: [UInt8]) throws(PayloadError) {
        struct Schema: Decodable { let v: Int }
        guard let schema = try? JSONDecoder().decode(Schema.self, from: Data(json)) else {
            throw .malformedJSON
        }
        guard schema.v == FormatConstants.payloadSchemaVersion else { throw .unsupportedSchema(schema.v) }
        guard let report = try? JSONDecoder().decode(Report.self, from: Data(json)) else {
            throw .malformedJSON
        }
        self = report
    }
}

/// Seals reports to the safety service's public key. Holds no secret.
public struct ReportSealer: Sendable {
    /// The recipient.
    public let recipient: SealingPublicKey

    public init(recipient: SealingPublicKey) {
        self.recipient = recipient
    }

    /// Pads and seals a report into a version-1 envelope.
    public func seal(_ report: Report) throws -> Envelope {
        let padded = try report.paddedPayload()
        let box = Sodium.seal(padded, to: recipient.bytes)
        return try Envelope(keyID: recipient.keyID, sealedBox: box)
    }
}
