import Foundation
import GRDB
import SafetyKeys

/// What the person decided on a proposal.
public struct AssessmentDecision: Sendable {
    public var level: RiskLevel
    /// Required when `level` is not the proposed one.
    public var reason: String?
    public var outcome: AssessmentOutcome

    public init(level: RiskLevel, reason: String? = nil, outcome: AssessmentOutcome) {
        self.level = level
        self.reason = reason
        self.outcome = outcome
    }

    /// Accepting the proposal, with the outcome the protocol expects at its level unless one is given.
    public static func accept(_ proposal: RiskProposal, outcome: AssessmentOutcome? = nil) -> AssessmentDecision {
        AssessmentDecision(level: proposal.level, outcome: outcome ?? .expected(for: proposal.level))
    }
}

/// One stored assessment of an entry, decrypted.
public struct Assessment: Sendable {
    /// 1 for the first assessment of the entry, 2 for the re-assessment after it, …
    public let sequence: Int
    public let proposal: RiskProposal
    public let answers: ProtocolAnswers
    public let decidedLevel: RiskLevel
    public let reason: String?
    public let outcome: AssessmentOutcome
    public let assessedBy: String
    /// ISO 8601 UTC.
    public let assessedAt: String

    public var overridden: Bool { decidedLevel != proposal.level }
}

/// The stored row: levels and outcome in the clear, the rest sealed with the entry's data key.
struct AssessmentRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "assessment"
    var id: Int64?
    var entryID: Int64
    var sequence: Int
    var proposedLevel: RiskLevel
    var decidedLevel: RiskLevel
    var outcome: AssessmentOutcome
    var overridden: Bool
    var assessedBy: Int64
    var assessedAt: String
    var sealed: Data

    enum CodingKeys: String, CodingKey {
        case id
        case entryID = "entry_id"
        case sequence
        case proposedLevel = "proposed_level"
        case decidedLevel = "decided_level"
        case outcome, overridden
        case assessedBy = "assessed_by"
        case assessedAt = "assessed_at"
        case sealed
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The confidential part of an assessment.
private struct SealedAssessment: Codable {
    var answers: ProtocolAnswers
    var basis: [RiskBasis]
    var protective: [Int]
    var reason: String?
}

extension JournalSession {
    static func assessmentContext(entryID: Int64, sequence: Int) -> String {
        "senim assessment v1|\(entryID)|\(sequence)"
    }

    /// What the rules propose for an entry with these answers; nothing is stored.
    public func proposeRisk(for number: String, answers: ProtocolAnswers, now: Date) throws -> RiskProposal {
        RiskRules.propose(answers, RiskContext(try findEntry(number, now: now)))
    }

    /// Stores a new assessment of an entry: the rules' proposal for `answers` and the person's decision. A level
    /// other than the proposal needs a reason. Earlier assessments are kept; the entry's risk level becomes the
    /// decided one.
    @discardableResult
    public func assess(
        _ number: String, answers: ProtocolAnswers, decision: AssessmentDecision, now: Date
    ) throws -> Assessment {
        try checkMayAssess()
        let entry = try findEntry(number, now: now)
        return try assess(entry, dataKey: try entryDataKey(entry), answers: answers, decision: decision, now: now)
    }

    /// Refuses a member whose role may not assess, before any question is asked.
    public func checkMayAssess() throws {
        guard member.role.triages || member.role == .specialist else {
            throw JournalError.notAllowed(member: member.name, action: .assess)
        }
    }

    /// `assess` on an entry already found, with its data key already unwrapped (see ``OpenEntry``).
    func assess(
        _ entry: EntryRecord, dataKey: SecureBytes, answers: ProtocolAnswers, decision: AssessmentDecision, now: Date
    ) throws -> Assessment {
        try checkMayAssess()
        let proposal = RiskRules.propose(answers, RiskContext(entry))
        let reason = decision.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if decision.level != proposal.level, reason?.isEmpty ?? true {
            throw JournalError.overrideWithoutReason(proposed: proposal.level, decided: decision.level)
        }
        let stamp = JournalClock.stamp(now)
        let sequence: Int = try writer.write { db in
            let sequence =
                (try Int.fetchOne(
                    db, sql: "SELECT MAX(sequence) FROM assessment WHERE entry_id = ?", arguments: [entry.id!]) ?? 0)
                + 1
            let secret = SealedAssessment(
                answers: answers, basis: proposal.basis, protective: proposal.protective,
                reason: reason?.isEmpty == false ? reason : nil)
            let sealed = FieldCipher.seal(
                Array(try JSONEncoder().encode(secret)), key: dataKey,
                context: Self.assessmentContext(entryID: entry.id!, sequence: sequence))
            var record = AssessmentRecord(
                id: nil, entryID: entry.id!, sequence: sequence, proposedLevel: proposal.level,
                decidedLevel: decision.level, outcome: decision.outcome, overridden: decision.level != proposal.level,
                assessedBy: member.id!, assessedAt: stamp, sealed: Data(sealed))
            try record.insert(db)
            try db.execute(
                sql: "UPDATE entry SET risk_level = ? WHERE id = ?", arguments: [decision.level.rawValue, entry.id!])
            try EventLog.append(
                db, at: now, member: member, keys: keys, action: .assess,
                subject: "\(entry.number) #\(sequence) \(decision.level.rawValue)")
            return sequence
        }
        return Assessment(
            sequence: sequence, proposal: proposal, answers: answers, decidedLevel: decision.level,
            reason: reason?.isEmpty == false ? reason : nil, outcome: decision.outcome, assessedBy: member.name,
            assessedAt: stamp)
    }

    /// Every assessment of an entry, oldest first, decrypted.
    public func assessments(of number: String, now: Date) throws -> [Assessment] {
        let entry = try findEntry(number, now: now)
        return try assessments(of: entry) { try entryKeyRing(entry) }
    }

    func assessments(of entry: EntryRecord, keyRing: () throws -> EntryKeyRing) throws -> [Assessment] {
        let (records, names) = try writer.read { db in
            (
                try AssessmentRecord.filter(Column("entry_id") == entry.id!).order(Column("sequence")).fetchAll(db),
                try Self.memberNames(db)
            )
        }
        guard !records.isEmpty else { return [] }
        let ring = try keyRing()
        return try records.map { record in
            let secret: SealedAssessment
            do {
                let plain = try ring.open(
                    Array(record.sealed),
                    context: Self.assessmentContext(entryID: entry.id!, sequence: record.sequence))
                secret = try JSONDecoder().decode(SealedAssessment.self, from: Data(plain))
            } catch {
                throw JournalError.damaged("assessment \(record.sequence) of entry \(entry.number)")
            }
            return Assessment(
                sequence: record.sequence,
                proposal: RiskProposal(level: record.proposedLevel, basis: secret.basis, protective: secret.protective),
                answers: secret.answers, decidedLevel: record.decidedLevel, reason: secret.reason,
                outcome: record.outcome, assessedBy: names[record.assessedBy] ?? "?", assessedAt: record.assessedAt)
        }
    }

    /// Every member's name by ID, to say who did what.
    static func memberNames(_ db: Database) throws -> [Int64: String] {
        Dictionary(
            uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, name FROM member").map {
                ($0["id"] as Int64, $0["name"] as String)
            })
    }

    /// The entry's data key, unwrapped with this member's key.
    func entryDataKey(_ entry: EntryRecord) throws -> SecureBytes {
        let sealedKey = try writer.read { db in
            try EntryKey.filter(Column("entry_id") == entry.id! && Column("member_id") == member.id!).fetchOne(db)
        }
        guard let sealedKey else { throw JournalError.noKeyForEntry(entry.number) }
        do {
            return try keys.openSealed(Array(sealedKey.sealed))
        } catch {
            throw JournalError.damaged("the key of entry \(entry.number)")
        }
    }
}
