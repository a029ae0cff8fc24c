import Foundation
import GRDB

/// A member of the safety service with access to the journal.
public struct Member: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "member"
    public var id: Int64?
    public var name: String
    public var role: MemberRole
    public var boxPublicKey: Data
    public var signPublicKey: Data
    /// The member's key seed, as a `senim-secret-1` file under their passphrase.
    public var wrappedSeed: String
    public var createdAt: String
    public var lastUnlockAt: String?
    public var removedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, role
        case boxPublicKey = "box_public_key"
        case signPublicKey = "sign_public_key"
        case wrappedSeed = "wrapped_seed"
        case createdAt = "created_at"
        case lastUnlockAt = "last_unlock_at"
        case removedAt = "removed_at"
    }

    public enum Columns {
        public static let name = Column(CodingKeys.name)
        public static let removedAt = Column(CodingKeys.removedAt)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A journal-wide secret (the service key, the inbox key, the collector key) sealed to one member.
struct MemberSecret: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "member_secret"
    var memberID: Int64
    var name: String
    var sealed: Data

    enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case name, sealed
    }
}

/// A report collected from the intake.
public struct CollectedReport: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "report"
    public var id: Data
    public var receivedDay: String
    public var receivedHour: String?
    /// The envelope as it arrived, kept only while it could not be opened: once a report is
    /// readable its content lives re-encrypted under the inbox key.
    public var envelope: Data?
    public var state: ReportState
    public var unreadableReason: String?
    public var language: String?
    public var reporter: String?
    /// Comma-separated concerns.
    public var what: String?
    public var place: String?
    public var timing: String?
    public var inDanger: Bool?
    /// Comma-separated urgency reasons.
    public var urgentReasons: String
    /// The report's JSON under the inbox key.
    public var sealedPayload: Data?
    /// The first line of the report's text under the inbox key, for the listing (nil for rows pulled before v7).
    public var sealedPreview: Data?
    public var entryID: Int64?
    public var pulledAt: String

    enum CodingKeys: String, CodingKey {
        case id
        case receivedDay = "received_day"
        case receivedHour = "received_hour"
        case envelope, state
        case unreadableReason = "unreadable_reason"
        case language, reporter, what, place, timing
        case inDanger = "in_danger"
        case urgentReasons = "urgent_reasons"
        case sealedPayload = "sealed_payload"
        case sealedPreview = "sealed_preview"
        case entryID = "entry_id"
        case pulledAt = "pulled_at"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let state = Column(CodingKeys.state)
        public static let receivedHour = Column(CodingKeys.receivedHour)
        public static let entryID = Column(CodingKeys.entryID)
    }

    /// The first 8 hex digits of the ID: what a person types.
    public var shortID: String { id.prefix(4).hexString }
    /// The full ID in hex.
    public var hexID: String { id.hexString }

    /// Parsed urgency reasons.
    public var urgency: [UrgencyReason] {
        urgentReasons.split(separator: ",").compactMap { UrgencyReason(rawValue: String($0)) }
    }

    /// The concerns ticked on the form, in form order (raw values).
    public var concerns: [String] { (what ?? "").split(separator: ",").map(String.init) }
}

/// A registered journal entry: its queryable fields. Sensitive fields live encrypted in `entry_field`.
public struct EntryRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "entry"
    public var id: Int64?
    public var number: String
    public var academicYear: String
    public var sequence: Int
    public var reportID: Data?
    public var channel: Channel
    public var reporterRole: EntryReporterRole
    /// Comma-separated cruelty types.
    public var types: String
    public var place: String?
    public var occurred: String?
    public var victims: Int
    public var aggressors: Int
    public var witnesses: Int
    public var aggressorKind: AggressorKind
    public var inDanger: Bool
    public var urgentReasons: String
    public var receivedAt: String
    public var registeredAt: String
    public var registeredBy: Int64
    public var status: String
    public var riskLevel: String?
    /// Staff dismissed for cruelty to students in this case (item 36, indicator 12).
    public var staffDismissed: Int = 0

    enum CodingKeys: String, CodingKey {
        case id, number
        case academicYear = "academic_year"
        case sequence
        case reportID = "report_id"
        case channel
        case reporterRole = "reporter_role"
        case types, place, occurred, victims, aggressors, witnesses
        case aggressorKind = "aggressor_kind"
        case inDanger = "in_danger"
        case urgentReasons = "urgent_reasons"
        case receivedAt = "received_at"
        case registeredAt = "registered_at"
        case registeredBy = "registered_by"
        case status
        case riskLevel = "risk_level"
        case staffDismissed = "staff_dismissed"
    }

    public enum Columns {
        public static let number = Column(CodingKeys.number)
        public static let sequence = Column(CodingKeys.sequence)
        public static let academicYear = Column(CodingKeys.academicYear)
        public static let status = Column(CodingKeys.status)
        public static let types = Column(CodingKeys.types)
        public static let receivedAt = Column(CodingKeys.receivedAt)
        public static let urgentReasons = Column(CodingKeys.urgentReasons)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Parsed cruelty types.
    public var crueltyTypes: [CrueltyType] {
        types.split(separator: ",").compactMap { CrueltyType(rawValue: String($0)) }
    }

    /// Parsed urgency reasons.
    public var urgency: [UrgencyReason] {
        urgentReasons.split(separator: ",").compactMap { UrgencyReason(rawValue: String($0)) }
    }
}

/// One encrypted field of an entry.
struct EntryField: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "entry_field"
    var entryID: Int64
    var name: String
    var sealed: Data

    enum CodingKeys: String, CodingKey {
        case entryID = "entry_id"
        case name, sealed
    }
}

/// An entry's data key sealed to one member.
struct EntryKey: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "entry_key"
    var entryID: Int64
    var memberID: Int64
    var sealed: Data

    enum CodingKeys: String, CodingKey {
        case entryID = "entry_id"
        case memberID = "member_id"
        case sealed
    }
}

/// One event of the append-only log.
public struct JournalEvent: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"
    public var id: Int64?
    public var at: String
    public var memberID: Int64?
    public var action: String
    public var subject: String
    public var previousHash: Data
    public var hash: Data
    public var signature: Data?
    /// 1: the hash covers the event's fields; 2: and the fingerprints of the rows it changed.
    public var version: Int

    enum CodingKeys: String, CodingKey {
        case id, at
        case memberID = "member_id"
        case action, subject
        case previousHash = "previous_hash"
        case hash, signature, version
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
