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
    /// Where the reporter reads replies (issue 17): the mailbox ID derived from their receipt code, hex. Only the
    /// safety service learns it, inside the sealed box; absent for a report without a code.
    public var mailbox: String?
    /// The reporter's X25519 public key derived from the code, hex: replies are sealed to it.
    public var replyKey: String?

    enum CodingKeys: String, CodingKey {
        case schema = "v"
        case language = "lang"
        case receivedHour = "received"
        case reporter, what
        case place = "where"
        case timing = "when"
        case inDanger = "danger"
        case classOrGrade = "class"
        case text, names, contact, mailbox
        case replyKey = "reply_key"
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

    /// The canonical JSON bytes: what `JSONEncoder` writes with `[.sortedKeys, .withoutEscapingSlashes]`.
    ///
    /// Written by hand because the intake builds one per report and `JSONEncoder` took 15–18 µs of it (about
    /// 6 % of the intake's samples under load; this takes 2–4 µs). The `CanonicalJSON` tests hold the two to the
    /// same bytes.
    public func jsonBytes() throws -> [UInt8] {
        var json = CanonicalJSON(capacity: text.utf8.count + 512)
        if let classOrGrade { json.member("class", string: classOrGrade) }
        if let contact { json.member("contact", string: contact) }
        json.member("danger", raw: inDanger ? "true" : "false")
        json.member("lang", string: language.rawValue)
        if let mailbox { json.member("mailbox", string: mailbox) }
        if let names { json.member("names", string: names) }
        json.member("received", string: receivedHour)
        if let replyKey { json.member("reply_key", string: replyKey) }
        json.member("reporter", string: reporter.rawValue)
        json.member("text", string: text)
        json.member("v", raw: String(schema))
        json.member("what", strings: what.map(\.rawValue))
        if let timing { json.member("when", string: timing.rawValue) }
        if let place { json.member("where", string: place.rawValue) }
        return json.finish()
    }
}

/// An object's members written in the order given (the caller sorts the keys), escaped as `JSONEncoder` escapes.
struct CanonicalJSON {
    private var bytes: [UInt8]

    init(capacity: Int) {
        bytes = [UInt8(ascii: "{")]
        bytes.reserveCapacity(capacity)
    }

    mutating func member(_ key: String, string value: String) {
        name(key)
        append(string: value)
    }

    mutating func member(_ key: String, raw value: String) {
        name(key)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func member(_ key: String, strings values: [String]) {
        name(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            append(string: value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private mutating func name(_ key: String) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        append(string: key)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func append(string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            // Runs that need no escape are copied whole.
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                escape(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hex: StaticString = "0123456789abcdef"
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0x0F)])
        }
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
    /// Decodes, but breaks a rule of FORMAT.md the intake enforces (the field named): a payload the real intake
    /// could not have sealed (issue 13).
    case breaksFormat(String)
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
        if let field = report.formatProblem() { throw .breaksFormat(field) }
        self = report
    }

    /// The field that breaks FORMAT.md's rules, or nil: the receipt time is a whole hour, and the report is what
    /// the intake's own validator (`ReportSubmission.validate`) makes of its fields — choices once each and in
    /// form order, text within its limits and free of control characters. One validator for both sides, so the
    /// triage side accepts exactly what the intake could have sealed.
    public func formatProblem() -> String? {
        guard Self.isWholeHour(receivedHour) else { return "received" }
        // Both or neither, each 32 bytes as 64 lower-case hex digits.
        guard (mailbox == nil) == (replyKey == nil) else { return mailbox == nil ? "mailbox" : "reply_key" }
        if let mailbox, !Self.isHex32(mailbox) { return "mailbox" }
        if let replyKey, !Self.isHex32(replyKey) { return "reply_key" }
        var submission = ReportSubmission()
        submission.reporter = [reporter.rawValue]
        submission.what = what.map(\.rawValue)
        submission.place = place.map { [$0.rawValue] } ?? []
        submission.timing = timing.map { [$0.rawValue] } ?? []
        submission.danger = [inDanger ? "yes" : "no"]
        submission.classOrGrade = classOrGrade ?? ""
        submission.text = text
        submission.names = names ?? ""
        submission.contact = contact ?? ""
        switch submission.validate(language: language, receivedHour: receivedHour) {
        case .failure(let failure): return failure.problems.first?.field.rawValue ?? "report"
        case .success(var again):
            again.mailbox = mailbox
            again.replyKey = replyKey
            guard again != self else { return nil }
            // The validator would have stored something else: name the first field that differs.
            if again.what != what { return ReportField.what.rawValue }
            if again.classOrGrade != classOrGrade { return ReportField.classOrGrade.rawValue }
            if again.contact != contact { return ReportField.contact.rawValue }
            if again.names != names { return ReportField.names.rawValue }
            if again.text != text { return ReportField.text.rawValue }
            return "report"
        }
    }

    /// 64 lower-case hexadecimal digits.
    static func isHex32(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The same report with the reply address of `code` (issue 17).
    public func replying(to code: ReceiptCode) -> Report {
        var report = self
        report.mailbox = Data(code.mailboxID).hexString
        report.replyKey = Data(code.replyPublicKey).hexString
        return report
    }

    /// Whether `text` is exactly what `day(of:)` writes for the day it names.
    public static func isDay(_ text: String) -> Bool {
        guard text.utf8.count == 10, let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) else {
            return false
        }
        return day(of: date) == text
    }

    /// Whether `stamp` is exactly what `hour(of:)` writes for the hour it names.
    static func isWholeHour(_ stamp: String) -> Bool {
        guard let date = try? Date(stamp, strategy: .iso8601) else { return false }
        return hour(of: date) == stamp
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
