import Foundation
import GRDB
import ReportFormat
import SafetyKeys

/// A director's sign-off of an entry, as checked now.
public struct SignOffStatus: Equatable, Sendable {
    public let by: String
    public let at: String
    /// The signature is the member's, over this entry and the content hash it names.
    public let signatureValid: Bool
    /// The entry has not changed since: the signed content hash is the current one.
    public let current: Bool
}

/// A comment on an entry, decrypted.
public struct EntryComment: Equatable, Sendable {
    public let by: String
    public let at: String
    public let text: String
}

/// An entry as the director's review queue shows it.
public struct ReviewItem: Sendable {
    public let record: EntryRecord
    /// The latest sign-off, if any.
    public let signOff: SignOffStatus?
    /// Deadlines of the entry that have passed.
    public let overdue: [Deadline]

    /// Waiting for review: never signed, or signed before the entry last changed.
    public var waiting: Bool { signOff?.current != true || signOff?.signatureValid != true }
}

struct SignOffRow: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "signoff"
    var id: Int64?
    var entryID: Int64
    var memberID: Int64
    var at: String
    var contentHash: Data
    var signature: Data

    enum CodingKeys: String, CodingKey {
        case id
        case entryID = "entry_id"
        case memberID = "member_id"
        case at
        case contentHash = "content_hash"
        case signature
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct CommentRow: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "entry_comment"
    var id: Int64?
    var entryID: Int64
    var memberID: Int64
    var at: String
    var sealed: Data

    enum CodingKeys: String, CodingKey {
        case id
        case entryID = "entry_id"
        case memberID = "member_id"
        case at, sealed
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension JournalSession {
    /// The tables whose rows make up an entry's content: what a sign-off vouches for. (Comments, sign-offs and
    /// the wrapped keys are about the entry, not its content.)
    static let contentTables = ["entry_field", "assessment", "entry_step", "plan_item", "entry_access", "entry_person"]

    /// BLAKE2b-256 over the fingerprints of the entry's row and every row of its content.
    static func contentHash(_ db: Database, entryID: Int64) throws -> Data {
        try contentHash(db, entryID: entryID, before: nil)!
    }

    /// The content hash as it stands (`migration` nil), or as a sign-off made before `migration` computed it: each
    /// row fingerprinted without the columns that migration and later ones added (see `Ledger.AddedColumn`). Nil
    /// when a row cannot have looked like this before the migration, so no such sign-off matches.
    static func contentHash(_ db: Database, entryID: Int64, before migration: String?) throws -> Data? {
        var refs = [Ledger.RowRef(table: "entry", rowID: entryID)]
        for table in contentTables {
            for rowID in try Int64.fetchAll(
                db, sql: "SELECT rowid FROM \(table) WHERE entry_id = ? ORDER BY rowid", arguments: [entryID])
            {
                refs.append(Ledger.RowRef(table: table, rowID: rowID))
            }
        }
        var lines = "senim entry content v1\n"
        for ref in refs {
            var fingerprint = "-"
            if let row = try Ledger.row(db, ref) {
                let digest: Data?
                if let migration {
                    digest = Ledger.digest(table: ref.table, rowID: ref.rowID, row: row, before: migration)
                } else {
                    digest = Ledger.digest(table: ref.table, rowID: ref.rowID, row: row)
                }
                guard let digest else { return nil }
                fingerprint = digest.hexString
            }
            lines += "\(ref.table)\t\(ref.rowID)\t\(fingerprint)\n"
        }
        return Data(Sodium.genericHash(Array(lines.utf8), length: 32))
    }

    /// What a sign-off signs: the entry's number and its content hash.
    static func signOffMessage(number: String, contentHash: Data) -> [UInt8] {
        Array("senim sign-off v1|\(number)|\(contentHash.hexString)".utf8)
    }

    static func commentContext(entryID: Int64, at: String) -> String { "senim comment v1|\(entryID)|\(at)" }

    /// The director signs the entry off as it stands now.
    @discardableResult
    public func signOff(_ number: String, now: Date) throws -> SignOffStatus {
        guard member.role.signsOff else { throw JournalError.notAllowed(member: member.name, action: .signOff) }
        let entry = try findEntry(number, now: now)
        return try signOff(entry, now: now) { try entryKeyRing(entry) }
    }

    func signOff(_ entry: EntryRecord, now: Date, keyRing: () throws -> EntryKeyRing) throws -> SignOffStatus {
        guard member.role.signsOff else { throw JournalError.notAllowed(member: member.name, action: .signOff) }
        _ = try keyRing()  // Only what the director can read is signed.
        let stamp = JournalClock.stamp(now)
        try writer.write { db in
            let hash = try Self.contentHash(db, entryID: entry.id!)
            let signature = keys.sign(Self.signOffMessage(number: entry.number, contentHash: hash))
            var row = SignOffRow(
                id: nil, entryID: entry.id!, memberID: member.id!, at: stamp, contentHash: hash,
                signature: Data(signature))
            try row.insert(db)
            try EventLog.append(db, at: now, member: member, keys: keys, action: .signOff, subject: entry.number)
        }
        return SignOffStatus(by: member.name, at: stamp, signatureValid: true, current: true)
    }

    /// Every sign-off of the entry, oldest first, each checked against the entry as it is now.
    public func signOffs(of number: String, now: Date) throws -> [SignOffStatus] {
        try signOffs(of: try findEntry(number, now: now))
    }

    func signOffs(of entry: EntryRecord) throws -> [SignOffStatus] {
        try writer.read { db in try Self.signOffs(db, entry: entry, members: try Self.membersByID(db)) }
    }

    static func membersByID(_ db: Database) throws -> [Int64: Member] {
        Dictionary(uniqueKeysWithValues: try Member.fetchAll(db).map { ($0.id!, $0) })
    }

    static func signOffs(_ db: Database, entry: EntryRecord, members: [Int64: Member]) throws -> [SignOffStatus] {
        let rows = try SignOffRow.filter(Column("entry_id") == entry.id!).order(Column("id")).fetchAll(db)
        guard !rows.isEmpty else { return [] }
        let current = try contentHash(db, entryID: entry.id!)
        // A sign-off made before a migration added columns to the entry's rows signed them as that schema saw them.
        var matching: Set<Data> = [current]
        if rows.contains(where: { $0.contentHash != current }) {
            for migration in Ledger.columnMigrations {
                if let hash = try contentHash(db, entryID: entry.id!, before: migration) { matching.insert(hash) }
            }
        }
        return rows.map { row in
            let signer = members[row.memberID]
            let valid =
                signer.map {
                    Sodium.verify(
                        signature: Array(row.signature),
                        message: signOffMessage(number: entry.number, contentHash: row.contentHash),
                        publicKey: Array($0.signPublicKey))
                } ?? false
            return SignOffStatus(
                by: signer?.name ?? "?", at: row.at, signatureValid: valid, current: matching.contains(row.contentHash))
        }
    }

    /// Adds a comment to the entry, encrypted with the entry's data key.
    public func comment(_ number: String, text: String, now: Date) throws {
        guard member.role != .auditor else { throw JournalError.notAllowed(member: member.name, action: .comment) }
        let entry = try findEntry(number, now: now)
        try comment(entry, text: text, now: now) { try entryKeyRing(entry) }
    }

    func comment(_ entry: EntryRecord, text: String, now: Date, keyRing: () throws -> EntryKeyRing) throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw JournalError.emptyComment }
        guard member.role != .auditor else { throw JournalError.notAllowed(member: member.name, action: .comment) }
        let key = try keyRing().current
        let stamp = JournalClock.stamp(now)
        let sealed = FieldCipher.seal(
            Array(text.utf8), key: key, context: Self.commentContext(entryID: entry.id!, at: stamp))
        try writer.write { db in
            var row = CommentRow(id: nil, entryID: entry.id!, memberID: member.id!, at: stamp, sealed: Data(sealed))
            try row.insert(db)
            try EventLog.append(db, at: now, member: member, keys: keys, action: .comment, subject: entry.number)
        }
    }

    /// The entry's comments, oldest first.
    public func comments(of number: String, now: Date) throws -> [EntryComment] {
        let entry = try findEntry(number, now: now)
        return try comments(of: entry) { try entryKeyRing(entry) }
    }

    func comments(of entry: EntryRecord, keyRing: () throws -> EntryKeyRing) throws -> [EntryComment] {
        let (rows, names) = try writer.read { db in
            (
                try CommentRow.filter(Column("entry_id") == entry.id!).order(Column("id")).fetchAll(db),
                try Self.memberNames(db)
            )
        }
        guard !rows.isEmpty else { return [] }
        let ring = try keyRing()
        return try rows.map { row in
            let plain: [UInt8]
            do {
                plain = try ring.open(
                    Array(row.sealed), context: Self.commentContext(entryID: entry.id!, at: row.at))
            } catch {
                throw JournalError.damaged("comment \(row.id ?? 0) of entry \(entry.number)")
            }
            return EntryComment(
                by: names[row.memberID] ?? "?", at: row.at, text: String(decoding: plain, as: UTF8.self))
        }
    }

    /// The director's queue: entries waiting for review first — high risk, then overdue, then the oldest — then
    /// the entries whose sign-off still holds. Only the entries this member can read.
    public func reviewQueue(now: Date) throws -> [ReviewItem] {
        let overdue = Dictionary(grouping: try deadlines(now: now).filter(\.overdue), by: \.subject)
        let items = try writer.read { db in
            let members = try Self.membersByID(db)
            let readable = Set(
                try Int64.fetchAll(
                    db, sql: "SELECT entry_id FROM entry_key WHERE member_id = ?", arguments: [member.id!]))
            return try EntryRecord.order(Column("id")).fetchAll(db).filter { readable.contains($0.id!) }.map { record in
                ReviewItem(
                    record: record, signOff: try Self.signOffs(db, entry: record, members: members).last,
                    overdue: overdue[record.number] ?? [])
            }
        }
        func rank(_ item: ReviewItem) -> (Int, Int, Int) {
            (
                item.waiting ? 0 : 1, item.record.riskLevel == RiskLevel.high.rawValue ? 0 : 1,
                item.overdue.isEmpty ? 1 : 0
            )
        }
        return items.enumerated().sorted { a, b in
            let (ra, rb) = (rank(a.element), rank(b.element))
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }
}
