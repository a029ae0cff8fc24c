import Foundation
import GRDB
import ReportFormat

/// The head of the event log: the last event and its hash, and the short fingerprint a director writes into the
/// paper register.
public struct ChainHead: Equatable, Sendable {
    public let eventID: Int64
    public let hash: Data

    public init(eventID: Int64, hash: Data) {
        self.eventID = eventID
        self.hash = hash
    }

    /// `57-7F3A-9C21-04BD-E655-1A2B`: the event's number, then the first 80 bits of its hash in hex groups.
    public var fingerprint: String { "\(eventID)-" + Self.groupedHex(hash.prefix(Self.fingerprintBytes)) }

    /// Uppercase hex in groups of four, `7F3A-9C21-…`: easy to read aloud and to copy by hand.
    static func groupedHex(_ bytes: some Sequence<UInt8>) -> String {
        let hex = bytes.map { String(format: "%02X", $0) }.joined()
        return stride(from: 0, to: hex.count, by: 4).map { start in
            String(hex.dropFirst(start).prefix(4))
        }.joined(separator: "-")
    }

    static let fingerprintBytes = 10

    /// Reads a fingerprint as written: spaces and case do not matter.
    public static func parse(_ text: String) -> (eventID: Int64, hashPrefix: Data)? {
        let cleaned = text.filter { !$0.isWhitespace }.uppercased()
        guard let dash = cleaned.firstIndex(of: "-"), let id = Int64(cleaned[..<dash]), id > 0 else { return nil }
        let hex = cleaned[cleaned.index(after: dash)...].filter { $0 != "-" }
        guard hex.count == fingerprintBytes * 2, hex.allSatisfy(\.isHexDigit) else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return (id, Data(bytes))
    }
}

/// A row the log's account of the journal disagrees with.
public struct RowProblem: Equatable, Sendable {
    public let table: String
    public let rowID: Int64
    /// The entry the row belongs to, when it still says.
    public let entryNumber: String?
    /// The last event that recorded the row.
    public let event: Int64?
}

/// One thing `journal verify` found wrong.
public enum VerificationFailure: Equatable, Sendable {
    /// The event does not follow the one before it: an event was deleted, inserted or moved.
    case brokenLink(event: Int64)
    /// The event's hash does not match its fields and the changes it records: the event was edited.
    case eventAltered(event: Int64)
    /// The event carries no signature.
    case unsigned(event: Int64)
    /// The signature is not the member's.
    case badSignature(event: Int64, member: String)
    /// Signed by someone the log never added as a member (or after their removal).
    case unknownSigner(event: Int64)
    /// A row differs from what the last event that wrote it recorded.
    case rowChanged(RowProblem)
    /// A row no event records: added behind Senim's back.
    case rowUnrecorded(RowProblem)
    /// A row an event recorded is gone.
    case rowMissing(RowProblem)
    /// The head written down is not in the log: the log ends before it.
    case headMissing(fingerprint: String, lastEvent: Int64)
    /// The event at the head written down has another hash: the log was rewritten up to there.
    case headMismatch(fingerprint: String)
}

/// What `journal verify` checked and found.
public struct Verification: Sendable {
    public var events = 0
    public var rows = 0
    public var head: ChainHead?
    public var failures: [VerificationFailure] = []
    public var isIntact: Bool { failures.isEmpty }
}

extension Journal {
    /// The head of the event log.
    public func head() throws -> ChainHead? {
        try database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").map {
                ChainHead(eventID: $0["id"], hash: $0["hash"])
            }
        }
    }

    /// Checks the whole chain, every signature, and every row against the events that wrote it. Needs no
    /// passphrase: it uses only the members' public keys.
    public func verify(head expected: String? = nil) throws -> Verification {
        try database.writer.read { db in try Self.verify(db, expectedHead: expected) }
    }

    static func verify(_ db: Database, expectedHead: String?) throws -> Verification {
        var result = Verification()
        let membersByID = try JournalSession.membersByID(db)
        var changesByEvent: [Int64: [Ledger.Change]] = [:]
        let claimRows = try Row.fetchCursor(db, sql: "SELECT event_id, tbl, row_id, digest FROM event_row")
        while let row = try claimRows.next() {
            changesByEvent[row["event_id"], default: []].append(
                Ledger.Change(ref: Ledger.RowRef(table: row["tbl"], rowID: row["row_id"]), digest: row["digest"]))
        }

        // The chain, event by event: its link, its hash, its signer.
        var previous = EventLog.genesis
        var lastID: Int64 = 0
        var vouched: Set<Int64> = []
        var claims: [Ledger.RowRef: (digest: Data?, event: Int64)] = [:]
        let events = try JournalEvent.fetchCursor(db, sql: "SELECT * FROM event ORDER BY id")
        while let event = try events.next() {
            let id = event.id!
            result.events += 1
            lastID = id
            if event.previousHash != previous { result.failures.append(.brokenLink(event: id)) }
            previous = event.hash
            let changes = changesByEvent.removeValue(forKey: id) ?? []
            let expected = EventLog.hash(
                version: event.version, previous: event.previousHash, at: event.at, memberID: event.memberID,
                action: event.action, subject: event.subject, changesHash: Ledger.changesHash(changes))
            if expected != event.hash { result.failures.append(.eventAltered(event: id)) }
            let signer = event.memberID.flatMap { membersByID[$0] }
            if let signature = event.signature, let signer {
                if !Sodium.verify(
                    signature: Array(signature), message: Array(event.hash), publicKey: Array(signer.signPublicKey))
                {
                    result.failures.append(.badSignature(event: id, member: signer.name))
                }
            } else {
                result.failures.append(.unsigned(event: id))
            }
            // Who may sign: the lead who created the journal, then the members an event by the lead added.
            let changedMembers = changes.filter { $0.ref.table == "member" }.map(\.ref.rowID)
            if id == 1, event.action == EventLog.Action.create.rawValue, let memberID = event.memberID {
                vouched.insert(memberID)
            } else if let memberID = event.memberID, !vouched.contains(memberID) {
                result.failures.append(.unknownSigner(event: id))
            }
            if event.action == EventLog.Action.memberAdded.rawValue, signer?.role == .lead,
                vouched.contains(event.memberID ?? -1)
            {
                vouched.formUnion(changedMembers)
            }
            if event.action == EventLog.Action.memberRemoved.rawValue {
                vouched.subtract(changedMembers.filter { $0 != event.memberID })
            }
            for change in changes { claims[change.ref] = (change.digest, id) }
        }
        for (orphan, _) in changesByEvent.sorted(by: { $0.key < $1.key }) {
            result.failures.append(.eventAltered(event: orphan))
        }

        // Every row against the last event that wrote it.
        let rows = try Ledger.allRows(db)
        result.rows = rows.count
        func problem(_ ref: Ledger.RowRef, event: Int64?) throws -> RowProblem {
            RowProblem(table: ref.table, rowID: ref.rowID, entryNumber: try entryNumber(db, ref), event: event)
        }
        for (ref, digest) in rows.sorted(by: { $0.key < $1.key }) {
            guard let claim = claims[ref] else {
                result.failures.append(.rowUnrecorded(try problem(ref, event: nil)))
                continue
            }
            if claim.digest != digest {
                // A row an event recorded before a migration added a column may match as that schema saw it.
                if let recorded = claim.digest, try Ledger.matchesEarlierSchema(db, ref, recorded) { continue }
                result.failures.append(.rowChanged(try problem(ref, event: claim.event)))
            }
        }
        for (ref, claim) in claims.sorted(by: { $0.key < $1.key }) where claim.digest != nil && rows[ref] == nil {
            // The row is gone, so it cannot say its entry; the event that wrote it names the entry first.
            let subject = try String.fetchOne(
                db, sql: "SELECT subject FROM event WHERE id = ?", arguments: [claim.event])
            let named = subject?.split(separator: " ").first.map(String.init)
            let number = try named.flatMap {
                try String.fetchOne(db, sql: "SELECT number FROM entry WHERE number = ?", arguments: [$0])
            }
            result.failures.append(
                .rowMissing(RowProblem(table: ref.table, rowID: ref.rowID, entryNumber: number, event: claim.event)))
        }

        if lastID > 0 { result.head = ChainHead(eventID: lastID, hash: previous) }
        if let expectedHead {
            guard let parsed = ChainHead.parse(expectedHead) else {
                result.failures.append(.headMismatch(fingerprint: expectedHead))
                return result
            }
            let hash = try Data.fetchOne(db, sql: "SELECT hash FROM event WHERE id = ?", arguments: [parsed.eventID])
            if let hash {
                if hash.prefix(ChainHead.fingerprintBytes) != parsed.hashPrefix {
                    result.failures.append(.headMismatch(fingerprint: expectedHead))
                }
            } else {
                result.failures.append(.headMissing(fingerprint: expectedHead, lastEvent: lastID))
            }
        }
        return result
    }

    /// The number of the entry a row belongs to, if the row (still) says.
    static func entryNumber(_ db: Database, _ ref: Ledger.RowRef) throws -> String? {
        if ref.table == "entry" {
            return try String.fetchOne(db, sql: "SELECT number FROM entry WHERE rowid = ?", arguments: [ref.rowID])
        }
        guard try db.columns(in: ref.table).contains(where: { $0.name == "entry_id" }) else { return nil }
        return try String.fetchOne(
            db,
            sql: "SELECT entry.number FROM \(ref.table) JOIN entry ON entry.id = \(ref.table).entry_id "
                + "WHERE \(ref.table).rowid = ?",
            arguments: [ref.rowID])
    }
}
