import Foundation
import GRDB
import ReportFormat
import SafetyKeys

extension JournalSession {
    /// Adds a member with their own passphrase. Their key pair is made here; the journal's triage secrets are
    /// wrapped to them if their role triages, and the data keys of every entry their role may read (and this
    /// member can open) are wrapped to them. Only the lead adds members.
    @discardableResult
    public func addMember(
        name: String, role: MemberRole, passphrase: Passphrase, kdf: KDFParameters = .moderate, now: Date
    ) throws -> Member {
        guard member.role == .lead else { throw JournalError.notAllowed(member: member.name, action: .addMembers) }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw JournalError.unknownMember(name) }
        if try journal.members().contains(where: { $0.name == name }) { throw JournalError.memberExists(name) }
        let keys = MemberKeys()
        let wrapped = try keys.wrap(passphrase: passphrase, parameters: kdf)
        var secrets: [(Journal.SecretName?, [UInt8])] = []
        if role.triages {
            guard let serviceKey, let inboxKey, let collectorSeed else {
                throw JournalError.notAllowed(member: member.name, action: .addMembers)
            }
            secrets = [
                (.serviceKey, serviceKey.sealSecret(to: keys.boxPublicKey)),
                (.inboxKey, sealSecret(inboxKey, to: keys.boxPublicKey)),
                (.collectorKey, sealSecret(collectorSeed, to: keys.boxPublicKey)),
            ]
        }
        // The person key (students' codes) goes to the roles that record facts, if it exists yet.
        if role.triages || role == .director,
            try writer.read({ db in
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM member_secret WHERE member_id = ? AND name = ?",
                    arguments: [member.id!, Self.personKeyName])
            }) == 1
        {
            secrets.append((nil, sealSecret(try personKey(now: now), to: keys.boxPublicKey)))
        }
        // The entries whose data keys go to the new member: every entry, for the roles that read them all.
        var entryKeys: [(Int64, [UInt8])] = []
        if role.readsAllEntries {
            // Restricted entries stay with the members named on their access list.
            let mine = try writer.read { db in
                try EntryKey.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM entry_key WHERE member_id = ?
                        AND entry_id NOT IN (SELECT entry_id FROM entry_access)
                        """, arguments: [member.id!])
            }
            for sealed in mine {
                let dataKey: SecureBytes
                do {
                    dataKey = try self.keys.openSealed(Array(sealed.sealed))
                } catch {
                    throw JournalError.damaged("the key of entry id \(sealed.entryID)")
                }
                entryKeys.append((sealed.entryID, sealSecret(dataKey, to: keys.boxPublicKey)))
            }
        }
        return try writer.write { db in
            var added = Member(
                id: nil, name: name, role: role, boxPublicKey: Data(keys.boxPublicKey),
                signPublicKey: Data(keys.signPublicKey), wrappedSeed: wrapped.fileText,
                createdAt: JournalClock.stamp(now), lastUnlockAt: nil, removedAt: nil)
            try added.insert(db)
            for (secretName, sealed) in secrets {
                try MemberSecret(
                    memberID: added.id!, name: secretName?.rawValue ?? Self.personKeyName, sealed: Data(sealed)
                ).insert(db)
            }
            for (entryID, sealed) in entryKeys {
                try EntryKey(entryID: entryID, memberID: added.id!, sealed: Data(sealed)).insert(db)
            }
            try EventLog.append(
                db, at: now, member: member, keys: self.keys, action: .memberAdded, subject: "\(name) \(role.rawValue)")
            return added
        }
    }
}

/// What removing a member did.
public struct MemberRemoval: Sendable {
    public let name: String
    /// Entries the member could read that now have a new data key, wrapped only to those who keep access.
    public let entriesRekeyed: Int
    /// Entries whose key the member held but that the lead cannot open (restricted away from the lead): the
    /// member's key to them was destroyed, but they keep their data key.
    public let entriesNotRekeyed: [String]
    /// The new sealing key when the member triaged (held the service key): the intake must get it.
    public let newServicePublicKey: SealingPublicKey?
}

extension JournalSession {
    /// Removes a member: their wrapped keys are destroyed, every entry they could read gets a new data key, and
    /// if they triaged, the service's sealing key, the collector key and the inbox key are rotated. Reports sealed
    /// to the old sealing key still open for the remaining members. Only the lead removes members; the lead
    /// cannot be removed. What the member already read cannot be taken back.
    public func removeMember(_ name: String, now: Date) throws -> MemberRemoval {
        guard member.role == .lead else {
            throw JournalError.notAllowed(member: member.name, action: .removeMembers)
        }
        let everyone = try journal.members()
        guard let target = everyone.first(where: { $0.name == name }) else { throw JournalError.unknownMember(name) }
        guard target.role != .lead, target.id != member.id else { throw JournalError.cannotRemove(name) }
        let remaining = everyone.filter { $0.id != target.id }

        // The entries the member held a key to, and who else holds one.
        let (held, holders) = try writer.read { db in
            let entries = try EntryRecord.fetchAll(
                db,
                sql: "SELECT entry.* FROM entry JOIN entry_key ON entry_key.entry_id = entry.id WHERE member_id = ?",
                arguments: [target.id!])
            var holders: [Int64: Set<Int64>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT entry_id, member_id FROM entry_key") {
                holders[row["entry_id"], default: []].insert(row["member_id"])
            }
            return (entries, holders)
        }
        var rings: [(EntryRecord, EntryKeyRing)] = []
        var notRekeyed: [String] = []
        for entry in held {
            if holders[entry.id!]?.contains(member.id!) == true {
                rings.append((entry, try entryKeyRing(entry)))
            } else {
                notRekeyed.append(entry.number)
            }
        }

        // A member who triaged held the service, inbox and collector secrets: all three are replaced.
        struct Rotation {
            let service: SealingKeyPair
            let inbox: SecureBytes
            let collectorSeed: SecureBytes
            let collector: CollectorPublicKey
        }
        var rotation: Rotation?
        if target.role.triages {
            guard serviceKey != nil, inboxKey != nil else {
                throw JournalError.notAllowed(member: member.name, action: .removeMembers)
            }
            let seed = randomSecretKey()
            rotation = Rotation(
                service: SealingKeyPair(), inbox: randomSecretKey(), collectorSeed: seed,
                collector: CollectorPublicKey(bytes: SigningKey(seed: seed).publicKey)!)
        }

        // A member who held the person key could test a guessed student code against a copy of the file: the key
        // is replaced and every code hashed and sealed again.
        let personKeyHolders = try writer.read { db in
            Set(
                try Int64.fetchAll(
                    db, sql: "SELECT member_id FROM member_secret WHERE name = ?", arguments: [Self.personKeyName]))
        }
        let oldPersonKey = personKeyHolders.contains(target.id!) ? try personKey(now: now) : nil
        let newPersonKey = oldPersonKey.map { _ in randomSecretKey() }

        try writer.write { db in
            if let oldPersonKey, let newPersonKey {
                try rekeyPersons(db, from: oldPersonKey, to: newPersonKey)
                for holder in remaining where personKeyHolders.contains(holder.id!) {
                    try MemberSecret(
                        memberID: holder.id!, name: Self.personKeyName,
                        sealed: Data(sealSecret(newPersonKey, to: try Ledger.recordedBoxKey(db, of: holder)))
                    ).upsert(db)
                }
            }
            for (entry, ring) in rings {
                let readers = remaining.filter { holders[entry.id!]?.contains($0.id!) == true }
                try rotateEntryKey(db, entry: entry, ring: ring, readers: readers)
            }
            try db.execute(sql: "DELETE FROM entry_key WHERE member_id = ?", arguments: [target.id!])
            try db.execute(sql: "DELETE FROM member_secret WHERE member_id = ?", arguments: [target.id!])
            try db.execute(sql: "DELETE FROM entry_access WHERE member_id = ?", arguments: [target.id!])
            // Their wrapped key pair is destroyed; their public signing key stays to verify what they signed.
            try db.execute(
                sql: "UPDATE member SET wrapped_seed = '', removed_at = ? WHERE id = ?",
                arguments: [JournalClock.stamp(now), target.id!])
            if let rotation, let serviceKey, let inboxKey {
                try rotateTriageSecrets(
                    db, rotation.service, rotation.inbox, rotation.collectorSeed,
                    retiring: serviceKey, oldInbox: inboxKey, triagers: remaining.filter(\.role.triages))
                for (name, value) in [
                    ("service_public_key", rotation.service.publicKey.fileText),
                    ("collector_public_key", rotation.collector.fileText),
                ] {
                    try db.execute(sql: "UPDATE setting SET value = ? WHERE name = ?", arguments: [value, name])
                }
            }
            try EventLog.append(
                db, at: now, member: member, keys: keys, action: .memberRemoved,
                subject: "\(target.name) \(target.role.rawValue)")
        }
        if let rotation {
            try journal.writePublicKeys(service: rotation.service.publicKey, collector: rotation.collector)
        }
        return MemberRemoval(
            name: target.name, entriesRekeyed: rings.count, entriesNotRekeyed: notRekeyed,
            newServicePublicKey: rotation?.service.publicKey)
    }

    /// Hashes and seals every student code again under a new person key.
    private func rekeyPersons(_ db: Database, from old: SecureBytes, to new: SecureBytes) throws {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT id, code_mac, sealed_code FROM person WHERE code_mac IS NOT NULL AND sealed_code IS NOT NULL")
        for row in rows {
            let mac: Data = row["code_mac"]
            let sealed: Data = row["sealed_code"]
            let code: [UInt8]
            do {
                code = try FieldCipher.open(Array(sealed), key: old, context: "senim person code v1|\(mac.hexString)")
            } catch {
                throw JournalError.damaged("a student code")
            }
            let newMAC = Self.codeMAC(String(decoding: code, as: UTF8.self), key: new)
            let resealed = FieldCipher.seal(code, key: new, context: "senim person code v1|\(newMAC.hexString)")
            try db.execute(
                sql: "UPDATE person SET code_mac = ?, sealed_code = ? WHERE id = ?",
                arguments: [newMAC, Data(resealed), row["id"] as Int64])
        }
    }

    /// Replaces the service, inbox and collector secrets of every remaining triage member, keeps the retiring
    /// sealing key as a previous key for them, and re-seals the inbox under the new inbox key.
    private func rotateTriageSecrets(
        _ db: Database, _ service: SealingKeyPair, _ inbox: SecureBytes, _ collectorSeed: SecureBytes,
        retiring: SealingKeyPair, oldInbox: SecureBytes, triagers: [Member]
    ) throws {
        let previousName = Journal.previousServiceKeyPrefix + Data(retiring.publicKey.keyID.bytes).hexString
        for triager in triagers {
            let box = try Ledger.recordedBoxKey(db, of: triager)
            for (name, sealed) in [
                (Journal.SecretName.serviceKey.rawValue, service.sealSecret(to: box)),
                (Journal.SecretName.inboxKey.rawValue, sealSecret(inbox, to: box)),
                (Journal.SecretName.collectorKey.rawValue, sealSecret(collectorSeed, to: box)),
                (previousName, retiring.sealSecret(to: box)),
            ] {
                // An upsert, not INSERT OR REPLACE: SQLite reports no change for rows REPLACE deletes, and the log
                // must see every change.
                try MemberSecret(memberID: triager.id!, name: name, sealed: Data(sealed)).upsert(db)
            }
        }
        let waiting = try Row.fetchAll(
            db, sql: "SELECT id, sealed_payload FROM report WHERE sealed_payload IS NOT NULL")
        for row in waiting {
            let id: Data = row["id"]
            let sealed: Data = row["sealed_payload"]
            let context = Self.inboxContext(id)
            let plain: [UInt8]
            do {
                plain = try FieldCipher.open(Array(sealed), key: oldInbox, context: context)
            } catch {
                throw JournalError.damaged("report \(id.prefix(4).hexString)")
            }
            try db.execute(
                sql: "UPDATE report SET sealed_payload = ? WHERE id = ?",
                arguments: [Data(FieldCipher.seal(plain, key: inbox, context: context)), id])
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, sealed_preview FROM report WHERE sealed_preview IS NOT NULL") {
            let id: Data = row["id"]
            let sealed: Data = row["sealed_preview"]
            let context = Self.previewContext(id)
            guard let line = try? FieldCipher.open(Array(sealed), key: oldInbox, context: context) else {
                throw JournalError.damaged("report \(id.prefix(4).hexString)")
            }
            try db.execute(
                sql: "UPDATE report SET sealed_preview = ? WHERE id = ?",
                arguments: [Data(FieldCipher.seal(line, key: inbox, context: context)), id])
        }
    }
}
