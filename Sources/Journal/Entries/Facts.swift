import Foundation
import GRDB
import ReportFormat
import SafetyKeys

/// A student an entry refers to, with their facts. `code` is the lead's pseudonymous code, decrypted.
public struct StudentRecord: Equatable, Sendable {
    public let code: String?
    public let role: StudentRole
    public let facts: Set<StudentFact>
}

extension JournalSession {
    static let personKeyName = "person-key"

    /// Who records the facts of entries.
    var recordsFacts: Bool { member.role.triages || member.role == .director }

    /// The journal's person key (for looking up and sealing students' codes), made and shared with every member
    /// who records facts the first time one is needed.
    func personKey(now: Date = Date()) throws -> SecureBytes {
        let sealed = try writer.read { db in
            try Data.fetchOne(
                db, sql: "SELECT sealed FROM member_secret WHERE member_id = ? AND name = ?",
                arguments: [member.id!, Self.personKeyName])
        }
        if let sealed {
            do {
                return try keys.openSealed(Array(sealed))
            } catch {
                throw JournalError.damaged("the person key of \(member.name)")
            }
        }
        let anyone = try writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM member_secret WHERE name = ?", arguments: [Self.personKeyName])
        }
        // Someone else made it already, but not for this member.
        guard anyone == 0 else { throw JournalError.notAllowed(member: member.name, action: .useStudentCodes) }
        let key = randomSecretKey()
        let holders = try journal.members().filter { $0.role.triages || $0.role == .director }
        try writer.write { db in
            for holder in holders {
                try db.execute(
                    sql: "INSERT INTO member_secret (member_id, name, sealed) VALUES (?, ?, ?)",
                    arguments: [
                        holder.id!, Self.personKeyName,
                        Data(sealSecret(key, to: try Ledger.recordedBoxKey(db, of: holder))),
                    ])
            }
            try EventLog.append(db, at: now, member: member, keys: keys, action: .personKey)
        }
        return key
    }

    static func codeMAC(_ code: String, key: SecureBytes) -> Data {
        let normalized = code.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        return key.withUnsafeBytes { k in
            Data(Sodium.genericHash(Array("senim person v1|".utf8) + Array(normalized.utf8), key: Array(k), length: 32))
        }
    }

    /// Records that a student took part in the entry in a role, with facts that add to what was recorded. With a
    /// code, the same child is one child across entries; without one, a new anonymous child is recorded.
    public func recordStudent(
        _ number: String, role: StudentRole, code: String?, facts: Set<StudentFact>, now: Date
    ) throws {
        guard recordsFacts else { throw JournalError.notAllowed(member: member.name, action: .updateEntries) }
        let entry = try findEntry(number, now: now)
        _ = try entryDataKey(entry)  // Only a member who holds the entry works on it.
        let code = code?.trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try code.map { _ in try personKey(now: now) }
        try writer.write { db in
            var personID: Int64
            if let code, let key, !code.isEmpty {
                let mac = Self.codeMAC(code, key: key)
                if let found = try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE code_mac = ?", arguments: [mac])
                {
                    personID = found
                } else {
                    let sealed = FieldCipher.seal(
                        Array(code.utf8), key: key, context: "senim person code v1|\(mac.hexString)")
                    try db.execute(
                        sql: "INSERT INTO person (code_mac, sealed_code) VALUES (?, ?)", arguments: [mac, Data(sealed)])
                    personID = db.lastInsertedRowID
                }
            } else {
                try db.execute(sql: "INSERT INTO person (code_mac, sealed_code) VALUES (NULL, NULL)")
                personID = db.lastInsertedRowID
            }
            let existing = try String.fetchOne(
                db, sql: "SELECT facts FROM entry_person WHERE entry_id = ? AND person_id = ? AND role = ?",
                arguments: [entry.id!, personID, role.rawValue])
            let merged = Set((existing ?? "").split(separator: ",").compactMap { StudentFact(rawValue: String($0)) })
                .union(facts)
            let text = StudentFact.allCases.filter(merged.contains).map(\.rawValue).joined(separator: ",")
            try db.execute(
                sql: """
                    INSERT INTO entry_person (entry_id, person_id, role, facts) VALUES (?, ?, ?, ?)
                    ON CONFLICT (entry_id, person_id, role) DO UPDATE SET facts = excluded.facts
                    """, arguments: [entry.id!, personID, role.rawValue, text])
            try EventLog.append(
                db, at: now, member: member, keys: keys, action: .update, subject: "\(entry.number) \(role.rawValue)")
        }
    }

    /// Records how many staff members were dismissed for cruelty to students in this case.
    public func setStaffDismissed(_ number: String, count: Int, now: Date) throws {
        guard recordsFacts else { throw JournalError.notAllowed(member: member.name, action: .updateEntries) }
        let entry = try findEntry(number, now: now)
        _ = try entryDataKey(entry)
        try writer.write { db in
            try db.execute(
                sql: "UPDATE entry SET staff_dismissed = ? WHERE id = ?", arguments: [max(0, count), entry.id!])
            try EventLog.append(
                db, at: now, member: member, keys: keys, action: .update, subject: "\(entry.number) staff-dismissed")
        }
    }

    /// The students an entry refers to, with their codes decrypted when this member holds the person key.
    public func students(of number: String, now: Date) throws -> [StudentRecord] {
        let entry = try findEntry(number, now: now)
        _ = try entryDataKey(entry)
        let rows = try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT entry_person.role, entry_person.facts, person.code_mac, person.sealed_code
                    FROM entry_person JOIN person ON person.id = entry_person.person_id
                    WHERE entry_person.entry_id = ? ORDER BY entry_person.id
                    """, arguments: [entry.id!])
        }
        let key = rows.contains { ($0["sealed_code"] as Data?) != nil } ? try? personKey() : nil
        return rows.map { row in
            var code: String?
            if let sealed: Data = row["sealed_code"], let mac: Data = row["code_mac"], let key {
                code =
                    (try? FieldCipher.open(Array(sealed), key: key, context: "senim person code v1|\(mac.hexString)"))
                    .map { String(decoding: $0, as: UTF8.self) }
            }
            let facts = Set(
                (row["facts"] as String).split(separator: ",").compactMap { StudentFact(rawValue: String($0)) })
            return StudentRecord(code: code, role: StudentRole(rawValue: row["role"]) ?? .victim, facts: facts)
        }
    }
}
