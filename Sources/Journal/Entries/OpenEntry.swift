import Foundation
import SafeguardingRules

/// An entry found once, whose key ring is unwrapped at most once: what a screen holds while it shows an entry and
/// acts on it, instead of looking the entry up by its number for every part and unwrapping its key for each.
/// Every read and write checks the member's role and access exactly as the session's methods by number do.
public final class OpenEntry {
    public let session: JournalSession
    /// The entry's row as it was when opened (or last refreshed).
    public private(set) var record: EntryRecord
    private var ring: EntryKeyRing?

    init(session: JournalSession, record: EntryRecord) {
        self.session = session
        self.record = record
    }

    public var number: String { record.number }

    /// The key ring, unwrapped with the member's key the first time it is needed.
    func keyRing() throws -> EntryKeyRing {
        if let ring { return ring }
        let unwrapped = try session.entryKeyRing(record)
        ring = unwrapped
        return unwrapped
    }

    /// Reads the entry's row again (after an assessment changed its level, or a restriction its access).
    public func refresh(now: Date) throws {
        record = try session.findEntry(record.number, now: now)
        ring = nil
    }

    /// The entry with its sensitive fields decrypted; the view is logged.
    public func detail(now: Date) throws -> EntryDetail {
        let detail = try session.detail(of: record, keyRing: keyRing)
        try session.log(.viewEntry, record.number, now: now)
        return detail
    }

    public func assessments() throws -> [Assessment] { try session.assessments(of: record, keyRing: keyRing) }

    public func plan() throws -> EntryPlan { try session.plan(of: record, keyRing: keyRing) }

    public func comments() throws -> [EntryComment] { try session.comments(of: record, keyRing: keyRing) }

    public func signOffs() throws -> [SignOffStatus] { try session.signOffs(of: record) }

    /// The director signs the entry off as it stands now.
    @discardableResult
    public func signOff(now: Date) throws -> SignOffStatus { try session.signOff(record, now: now, keyRing: keyRing) }

    /// Stores a new assessment (see ``JournalSession/assess(_:answers:decision:now:)``); the entry's row is read
    /// again, since its risk level is now the decided one.
    @discardableResult
    public func assess(answers: ProtocolAnswers, decision: AssessmentDecision, now: Date) throws -> Assessment {
        let saved = try session.assess(
            record, dataKey: try keyRing().current, answers: answers, decision: decision, now: now)
        let ring = self.ring
        record = try session.findEntry(record.number, now: now)
        self.ring = ring
        return saved
    }

    /// The rules' proposal for `answers`, nothing stored.
    public func proposeRisk(answers: ProtocolAnswers) -> RiskProposal {
        RiskRules.propose(answers, RiskContext(record))
    }

    /// Adds a measure to the entry's help and support plan.
    public func addMeasure(_ measure: PlanMeasure, now: Date) throws {
        try session.addMeasure(measure, to: record, key: try keyRing().current, now: now)
    }

    /// Records that the entry's materials were sent to an external body.
    public func addReferral(_ referral: Referral, now: Date) throws {
        try session.addReferral(referral, to: record, key: try keyRing().current, now: now)
    }

    /// Adds a comment, encrypted with the entry's data key.
    public func comment(_ text: String, now: Date) throws {
        try session.comment(record, text: text, now: now, keyRing: keyRing)
    }
}

extension JournalSession {
    /// Finds an entry by its full number or its sequence in the current year (see ``findEntry(_:now:)``) and holds
    /// it open for the calls that follow.
    public func open(entry number: String, now: Date) throws -> OpenEntry {
        OpenEntry(session: self, record: try findEntry(number, now: now))
    }
}
