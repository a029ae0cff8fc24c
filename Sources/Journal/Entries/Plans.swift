import Foundation
import GRDB
import SafetyKeys

/// One measure of a help and support plan: the columns of the individual prevention plan (Order 398, Annex 1).
public struct PlanMeasure: Codable, Equatable, Sendable {
    /// The kind of help.
    public var kind: String
    /// The responsible person.
    public var responsible: String
    /// Volume or frequency of the help.
    public var volume: String
    /// When the help is given: its term.
    public var term: String
    /// How its quality is judged.
    public var indicator: String

    public init(kind: String, responsible: String, volume: String, term: String, indicator: String) {
        self.kind = kind
        self.responsible = responsible
        self.volume = volume
        self.term = term
        self.indicator = indicator
    }
}

/// A referral of a high-risk entry to the interagency team or another external body.
public struct Referral: Codable, Equatable, Sendable {
    /// To whom the materials went.
    public var recipient: String
    /// What was sent.
    public var sent: String
    /// The day it was sent, `YYYY-MM-DD`.
    public var on: String

    public init(recipient: String, sent: String, on: String) {
        self.recipient = recipient
        self.sent = sent
        self.on = on
    }
}

/// An entry's plan: the measures and referrals recorded, oldest first, with who added each and when.
public struct EntryPlan: Sendable {
    public struct Item<Content: Sendable>: Sendable {
        public let content: Content
        public let by: String
        public let at: String
    }

    public var measures: [Item<PlanMeasure>] = []
    public var referrals: [Item<Referral>] = []
}

/// The stored row: what it is in the clear, its content sealed with the entry's data key.
struct PlanRow: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "plan_item"
    var id: Int64?
    var entryID: Int64
    var kind: String
    var sealed: Data
    var memberID: Int64
    var at: String

    enum CodingKeys: String, CodingKey {
        case id
        case entryID = "entry_id"
        case kind, sealed
        case memberID = "member_id"
        case at
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension JournalSession {
    static func planContext(entryID: Int64, kind: String, at: String) -> String {
        "senim plan v1|\(entryID)|\(kind)|\(at)"
    }

    /// Adds a measure to the entry's help and support plan.
    public func addMeasure(_ measure: PlanMeasure, to number: String, now: Date) throws {
        try checkMayPlan()
        let entry = try findEntry(number, now: now)
        try addMeasure(measure, to: entry, key: try entryDataKey(entry), now: now)
    }

    func addMeasure(_ measure: PlanMeasure, to entry: EntryRecord, key: SecureBytes, now: Date) throws {
        let fields = [measure.kind, measure.responsible, measure.volume, measure.term, measure.indicator]
        guard fields.allSatisfy({ !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) else {
            throw JournalError.incompletePlanItem
        }
        try addPlanItem(kind: "measure", content: try JSONEncoder().encode(measure), to: entry, key: key, now: now)
    }

    /// Records that the entry's materials were sent to an external body.
    public func addReferral(_ referral: Referral, to number: String, now: Date) throws {
        try checkMayPlan()
        let entry = try findEntry(number, now: now)
        try addReferral(referral, to: entry, key: try entryDataKey(entry), now: now)
    }

    func addReferral(_ referral: Referral, to entry: EntryRecord, key: SecureBytes, now: Date) throws {
        guard !referral.recipient.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            !referral.sent.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, CalendarDay(referral.on) != nil
        else { throw JournalError.incompletePlanItem }
        try addPlanItem(kind: "referral", content: try JSONEncoder().encode(referral), to: entry, key: key, now: now)
    }

    /// Refuses a member whose role may not keep plans, before anything is asked.
    public func checkMayPlan() throws {
        guard member.role.triages || member.role == .specialist else {
            throw JournalError.notAllowed(member: member.name, action: .plan)
        }
    }

    private func addPlanItem(kind: String, content: Data, to entry: EntryRecord, key: SecureBytes, now: Date) throws {
        try checkMayPlan()
        let stamp = JournalClock.stamp(now)
        let sealed = FieldCipher.seal(
            Array(content), key: key, context: Self.planContext(entryID: entry.id!, kind: kind, at: stamp))
        try writer.write { db in
            var row = PlanRow(
                id: nil, entryID: entry.id!, kind: kind, sealed: Data(sealed), memberID: member.id!, at: stamp)
            try row.insert(db)
            try EventLog.append(
                db, at: now, member: member, keys: keys, action: .plan, subject: "\(entry.number) \(kind)")
        }
    }

    /// The entry's plan, decrypted.
    public func plan(of number: String, now: Date) throws -> EntryPlan {
        let entry = try findEntry(number, now: now)
        return try plan(of: entry) { try entryKeyRing(entry) }
    }

    func plan(of entry: EntryRecord, keyRing: () throws -> EntryKeyRing) throws -> EntryPlan {
        let (rows, names) = try writer.read { db in
            (
                try PlanRow.filter(Column("entry_id") == entry.id!).order(Column("id")).fetchAll(db),
                try Self.memberNames(db)
            )
        }
        var plan = EntryPlan()
        guard !rows.isEmpty else { return plan }
        let ring = try keyRing()
        for row in rows {
            let plain: [UInt8]
            do {
                plain = try ring.open(
                    Array(row.sealed),
                    context: Self.planContext(entryID: entry.id!, kind: row.kind, at: row.at))
            } catch {
                throw JournalError.damaged("plan item \(row.id ?? 0) of entry \(entry.number)")
            }
            let by = names[row.memberID] ?? "?"
            switch row.kind {
            case "measure":
                if let measure = try? JSONDecoder().decode(PlanMeasure.self, from: Data(plain)) {
                    plan.measures.append(.init(content: measure, by: by, at: row.at))
                }
            case "referral":
                if let referral = try? JSONDecoder().decode(Referral.self, from: Data(plain)) {
                    plan.referrals.append(.init(content: referral, by: by, at: row.at))
                }
            default: continue
            }
        }
        return plan
    }
}
