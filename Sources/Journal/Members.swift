import Foundation
import GRDB
import SafetyKeys

extension JournalSession {
    /// Adds a member with their own passphrase. Their key pair is made here; the journal's triage secrets are
    /// wrapped to them if their role triages, and the data keys of every entry their role may read (and this
    /// member can open) are wrapped to them. Only the lead adds members.
    @discardableResult
    public func addMember(
        name: String, role: MemberRole, passphrase: Passphrase, kdf: KDFParameters = .moderate, now: Date
    ) throws -> Member {
        guard member.role == .lead else { throw JournalError.notAllowed(member: member.name, action: "add members") }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw JournalError.unknownMember(name) }
        if try journal.members().contains(where: { $0.name == name }) { throw JournalError.memberExists(name) }
        let keys = MemberKeys()
        let wrapped = try keys.wrap(passphrase: passphrase, parameters: kdf)
        var secrets: [(Journal.SecretName, [UInt8])] = []
        if role.triages {
            guard let serviceKey, let inboxKey, let collectorSeed else {
                throw JournalError.notAllowed(member: member.name, action: "add members")
            }
            secrets = [
                (.serviceKey, serviceKey.sealSecret(to: keys.boxPublicKey)),
                (.inboxKey, sealSecret(inboxKey, to: keys.boxPublicKey)),
                (.collectorKey, sealSecret(collectorSeed, to: keys.boxPublicKey)),
            ]
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
                try MemberSecret(memberID: added.id!, name: secretName.rawValue, sealed: Data(sealed)).insert(db)
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
