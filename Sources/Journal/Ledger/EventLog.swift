import Foundation
import GRDB
import ReportFormat
import SafetyKeys

/// The journal's append-only event log: who did what, when — never the content.
///
/// Each event commits to the previous one and to the rows it changed, and the acting member signs it:
/// `hash = BLAKE2b-256(previous hash ‖ at ‖ member ‖ action ‖ subject ‖ changes hash)` where the changes hash
/// covers the fingerprint of every row the event wrote (see `Ledger`), and the signature is Ed25519 over the
/// hash. Events written before version 2 have no changes hash.
public enum EventLog {
    /// The hash before the first event.
    public static let genesis = Data(repeating: 0, count: 32)

    /// The version new events are written with.
    static let version = 2

    /// Actions recorded in the log.
    public enum Action: String, Sendable, CaseIterable {
        case create, unlock, pull, inbox, view, register
        case viewEntry = "view-entry"
        case list
        case memberAdded = "member-added"
        case memberRemoved = "member-removed"
        case assess, step, plan
        case baseline
        case comment
        case signOff = "sign-off"
        case restrict
        case assign
        case audit
        case backup
        case update
        case personKey = "person-key"
        case stats
        case failedUnlocks = "failed-unlocks"
    }

    static func hash(
        version: Int, previous: Data, at: String, memberID: Int64?, action: String, subject: String,
        changesHash: Data
    ) -> Data {
        let fields = [at, memberID.map(String.init) ?? "-", action, subject].joined(separator: "\u{1F}")
        var input = Array(previous) + Array(fields.utf8)
        if version >= 2 { input += [0x1F] + Array(changesHash) }
        return Data(Sodium.genericHash(input, length: 32))
    }

    /// Appends an event inside the caller's transaction, recording every row changed since the last event.
    @discardableResult
    static func append(
        _ db: Database, at: Date, member: Member?, keys: MemberKeys?, action: Action, subject: String = ""
    ) throws -> JournalEvent {
        let previous = try Data.fetchOne(db, sql: "SELECT hash FROM event ORDER BY id DESC LIMIT 1") ?? genesis
        let stamp = JournalClock.stamp(at)
        let taken = Ledger.Recorder.watching(db)?.take()
        // Nothing is signed over a row changed behind Senim's back (the baseline has nothing recorded to check).
        if action != .baseline, let taken {
            for (ref, before) in taken.before.sorted(by: { $0.key < $1.key }) {
                try Ledger.checkRecorded(db, ref, before: before)
            }
        }
        var changes: [Ledger.Change] = []
        for ref in (taken?.changed ?? []).sorted() {
            changes.append(Ledger.Change(ref: ref, digest: try Ledger.digest(db, ref)))
        }
        let hash = hash(
            version: version, previous: previous, at: stamp, memberID: member?.id, action: action.rawValue,
            subject: subject, changesHash: Ledger.changesHash(changes))
        var event = JournalEvent(
            id: nil, at: stamp, memberID: member?.id, action: action.rawValue, subject: subject,
            previousHash: previous, hash: hash, signature: keys.map { Data($0.sign(Array(hash))) }, version: version)
        try event.insert(db)
        for change in changes {
            try db.execute(
                sql: "INSERT INTO event_row (event_id, tbl, row_id, digest) VALUES (?, ?, ?, ?)",
                arguments: [event.id!, change.ref.table, change.ref.rowID, change.digest])
        }
        return event
    }
}
