import Foundation
import GRDB
import ReportFormat
import SafetyKeys

/// The keys that open an entry's content: its current data key, then the keys it had before each rotation.
///
/// Rotating an entry's key (when it is restricted, or when a member who could read it is removed) gives it a
/// new key wrapped only to the members who keep access; the old keys travel sealed under the new one
/// (`key_history`), so content written before still opens for them, while content written afterwards is sealed
/// under a key the excluded member never held.
struct EntryKeyRing {
    let current: SecureBytes
    let older: [SecureBytes]

    /// Opens content sealed under any of the entry's keys, newest first.
    func open(_ sealed: [UInt8], context: String) throws(OpenError) -> [UInt8] {
        var lastError = OpenError.cannotOpen
        for key in [current] + older {
            do {
                return try FieldCipher.open(sealed, key: key, context: context)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }
}

extension JournalSession {
    static let keyHistoryField = "key_history"

    static func keyHistoryContext(entryID: Int64) -> String { "senim entry key history v1|\(entryID)" }

    /// The entry's key ring, unwrapped with this member's key.
    func entryKeyRing(_ entry: EntryRecord) throws -> EntryKeyRing {
        let current = try entryDataKey(entry)
        let sealedHistory = try writer.read { db in
            try Data.fetchOne(
                db, sql: "SELECT sealed FROM entry_field WHERE entry_id = ? AND name = ?",
                arguments: [entry.id!, Self.keyHistoryField])
        }
        guard let sealedHistory else { return EntryKeyRing(current: current, older: []) }
        let plain: [UInt8]
        do {
            plain = try FieldCipher.open(
                Array(sealedHistory), key: current, context: Self.keyHistoryContext(entryID: entry.id!))
        } catch {
            throw JournalError.damaged("the key history of entry \(entry.number)")
        }
        var older: [SecureBytes] = []
        for start in stride(from: 0, to: plain.count - 31, by: 32) {
            older.append(plain[start..<start + 32].withUnsafeBytes { SecureBytes(copying: $0) })
        }
        return EntryKeyRing(current: current, older: older)
    }

    /// Gives the entry a new data key wrapped only to `readers`, inside the caller's transaction. Every other
    /// member's wrapped key to the entry is destroyed.
    func rotateEntryKey(_ db: Database, entry: EntryRecord, ring: EntryKeyRing, readers: [Member]) throws {
        let fresh = randomSecretKey()
        var history: [UInt8] = []
        for key in [ring.current] + ring.older { key.withUnsafeBytes { history.append(contentsOf: $0) } }
        defer { _ = history.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        let sealed = FieldCipher.seal(history, key: fresh, context: Self.keyHistoryContext(entryID: entry.id!))
        try EntryField(entryID: entry.id!, name: Self.keyHistoryField, sealed: Data(sealed)).upsert(db)
        try db.execute(sql: "DELETE FROM entry_key WHERE entry_id = ?", arguments: [entry.id!])
        for reader in readers {
            try EntryKey(
                entryID: entry.id!, memberID: reader.id!,
                sealed: Data(sealSecret(fresh, to: try Ledger.recordedBoxKey(db, of: reader)))
            ).insert(db)
        }
    }

    /// The names of the members an entry is restricted to, or nil when it is not restricted.
    public func access(of number: String, now: Date) throws -> [String]? {
        let entry = try findEntry(number, now: now)
        return try writer.read { db in try Self.access(db, entryID: entry.id!) }
    }

    static func access(_ db: Database, entryID: Int64) throws -> [String]? {
        let names = try String.fetchAll(
            db,
            sql: """
                SELECT member.name FROM entry_access JOIN member ON member.id = entry_access.member_id
                WHERE entry_access.entry_id = ? ORDER BY member.id
                """, arguments: [entryID])
        return names.isEmpty ? nil : names
    }

    /// Restricts an entry to the named members (and the member restricting it). The entry gets a new data key
    /// wrapped only to them: everyone else's key is destroyed, and what is written from now on is sealed under a
    /// key they never held. The reason is sealed with the entry. The lead or the director may restrict.
    @discardableResult
    public func restrict(_ number: String, to names: [String], reason: String, now: Date) throws -> [String] {
        guard member.role.restricts else { throw JournalError.notAllowed(member: member.name, action: .restrict) }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw JournalError.restrictionWithoutReason }
        let entry = try findEntry(number, now: now)
        let ring = try entryKeyRing(entry)
        let everyone = try journal.members()
        var readers = [member]
        for name in names {
            guard let found = everyone.first(where: { $0.name == name }) else { throw JournalError.unknownMember(name) }
            guard found.role != .auditor else {
                throw JournalError.notAllowed(member: found.name, action: .readEntries)
            }
            if !readers.contains(where: { $0.id == found.id }) { readers.append(found) }
        }
        try writer.write { db in
            try rotateEntryKey(db, entry: entry, ring: ring, readers: readers)
            let sealedReason = FieldCipher.seal(
                Array(reason.utf8), key: try currentKey(db, entry: entry),
                context: Self.fieldContext(entryID: entry.id!, field: .restriction))
            try EntryField(entryID: entry.id!, name: EntryFieldName.restriction.rawValue, sealed: Data(sealedReason))
                .upsert(db)
            try db.execute(sql: "DELETE FROM entry_access WHERE entry_id = ?", arguments: [entry.id!])
            for reader in readers {
                try db.execute(
                    sql: "INSERT INTO entry_access (entry_id, member_id) VALUES (?, ?)",
                    arguments: [entry.id!, reader.id!])
            }
            try EventLog.append(
                db, at: now, member: member, keys: keys, action: .restrict,
                subject: "\(entry.number) \(readers.count) members")
        }
        return readers.map(\.name)
    }

    /// The entry's current data key as just written in this transaction (after a rotation).
    private func currentKey(_ db: Database, entry: EntryRecord) throws -> SecureBytes {
        guard
            let sealed = try Data.fetchOne(
                db, sql: "SELECT sealed FROM entry_key WHERE entry_id = ? AND member_id = ?",
                arguments: [entry.id!, member.id!])
        else { throw JournalError.noKeyForEntry(entry.number) }
        return try keys.openSealed(Array(sealed))
    }

    /// Gives a member (typically a specialist: psychologist, social pedagogue) the key to one entry. A restricted
    /// entry is shared only with members on its access list.
    public func assign(_ number: String, to name: String, now: Date) throws {
        guard member.role.triages || member.role == .director else {
            throw JournalError.notAllowed(member: member.name, action: .assign)
        }
        let entry = try findEntry(number, now: now)
        guard let assignee = try journal.members().first(where: { $0.name == name }) else {
            throw JournalError.unknownMember(name)
        }
        guard assignee.role != .auditor else {
            throw JournalError.notAllowed(member: assignee.name, action: .readEntries)
        }
        let key = try entryDataKey(entry)
        try writer.write { db in
            if let allowed = try Self.access(db, entryID: entry.id!), !allowed.contains(name) {
                throw JournalError.notAllowed(member: name, action: .readRestrictedEntry(entry.number))
            }
            try EntryKey(
                entryID: entry.id!, memberID: assignee.id!,
                sealed: Data(sealSecret(key, to: try Ledger.recordedBoxKey(db, of: assignee)))
            ).upsert(db)
            try EventLog.append(
                db, at: now, member: member, keys: keys, action: .assign, subject: "\(entry.number) \(name)")
        }
    }
}
