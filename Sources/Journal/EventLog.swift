import Foundation
import GRDB
import ReportFormat
import SafetyKeys

/// The journal's append-only event log: who did what, when — never the content.
///
/// Each event commits to the previous one: `hash = BLAKE2b-256(previous hash ‖ at ‖ member ‖
/// action ‖ subject)`, and the acting member signs the hash with their Ed25519 key.
public enum EventLog {
    /// The hash before the first event.
    public static let genesis = Data(repeating: 0, count: 32)

    /// Actions recorded in the log.
    public enum Action: String, Sendable {
        case create, unlock, pull, inbox, view, register
        case viewEntry = "view-entry"
        case list
        case memberAdded = "member-added"
        case assess, step, plan
    }

    static func hash(previous: Data, at: String, memberID: Int64?, action: String, subject: String) -> Data {
        let fields = [at, memberID.map(String.init) ?? "-", action, subject].joined(separator: "\u{1F}")
        return Data(Sodium.genericHash(Array(previous) + Array(fields.utf8), length: 32))
    }

    /// Appends an event inside the caller's transaction.
    @discardableResult
    static func append(
        _ db: Database, at: Date, member: Member?, keys: MemberKeys?, action: Action, subject: String = ""
    ) throws -> JournalEvent {
        let previous = try Data.fetchOne(db, sql: "SELECT hash FROM event ORDER BY id DESC LIMIT 1") ?? genesis
        let stamp = JournalClock.stamp(at)
        let hash = hash(previous: previous, at: stamp, memberID: member?.id, action: action.rawValue, subject: subject)
        var event = JournalEvent(
            id: nil, at: stamp, memberID: member?.id, action: action.rawValue, subject: subject,
            previousHash: previous, hash: hash, signature: keys.map { Data($0.sign(Array(hash))) })
        try event.insert(db)
        return event
    }
}

/// Time stamps in the journal (the triage side may keep precise times; the intake never does).
public enum JournalClock {
    /// ISO 8601 UTC to the second.
    public static func stamp(_ date: Date) -> String { date.formatted(.iso8601) }

    /// Parses a stamp or an hour from a payload.
    public static func date(_ stamp: String) -> Date? { try? Date(stamp, strategy: .iso8601) }
}

/// The Kazakh academic year: 1 September to 31 August, in the school's time zone.
public struct AcademicYear: Equatable, Sendable, CustomStringConvertible {
    /// The calendar year it starts in.
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// The academic year a moment falls in.
    public init(containing date: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month], from: date)
        startYear = parts.month! >= 9 ? parts.year! : parts.year! - 1
    }

    /// `2026/27`.
    public var description: String { String(format: "%d/%02d", startYear, (startYear + 1) % 100) }

    /// An entry number: `2026/27-001`.
    public func entryNumber(_ sequence: Int) -> String { "\(self)-\(String(format: "%03d", sequence))" }
}
