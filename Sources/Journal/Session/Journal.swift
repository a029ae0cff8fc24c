import Foundation
import GRDB
import ReportFormat
import SafetyKeys

/// A journal folder: `journal.sqlite`, plus the public keys written for the intake.
public final class Journal: Sendable {
    /// The folder.
    public let directory: URL
    /// The database.
    let database: JournalDatabase

    /// Names of journal-wide secrets sealed to members.
    enum SecretName: String {
        case serviceKey = "service-key"
        case inboxKey = "inbox-key"
        case collectorKey = "collector-key"
    }

    /// The name prefix of sealing keys retired by a rotation, kept so that reports sealed to them still open:
    /// `service-key-previous:<key ID in hex>`.
    static let previousServiceKeyPrefix = "service-key-previous:"

    /// Opens an existing journal.
    public init(directory: URL) throws {
        self.directory = directory
        self.database = try JournalDatabase(directory: directory)
    }

    private init(directory: URL, database: JournalDatabase) {
        self.directory = directory
        self.database = database
    }

    /// What `create` made.
    public struct Created: Sendable {
        public let journal: Journal
        public let servicePublicKeyPath: String
        public let collectorPublicKeyPath: String
        public let keyID: KeyID
    }

    /// Creates a journal with its first member, the lead, and the service's keys.
    ///
    /// - Parameter serviceKey: the key pair made by `senim keys generate`, or nil for a new one.
    public static func create(
        directory: URL, leadName: String, passphrase: Passphrase, serviceKey: SealingKeyPair? = nil,
        timeZone: TimeZone = TimeZone(identifier: "Asia/Almaty")!, kdf: KDFParameters = .moderate, now: Date
    ) throws -> Created {
        let path = directory.appendingPathComponent(JournalDatabase.fileName).path
        if FileManager.default.fileExists(atPath: path) { throw JournalError.journalExists(path: directory.path) }
        try prepareFolder(directory)
        let database = try JournalDatabase(directory: directory, create: true)
        let service = serviceKey ?? SealingKeyPair()
        let inboxKey = randomSecretKey()
        let collectorSeed = randomSecretKey()
        let collector = SigningKey(seed: collectorSeed)
        let keys = MemberKeys()
        let wrapped = try keys.wrap(passphrase: passphrase, parameters: kdf)
        let collectorKey = CollectorPublicKey(bytes: collector.publicKey)!
        try database.writer.write { db in
            for (name, value) in [
                ("service_public_key", service.publicKey.fileText),
                ("collector_public_key", collectorKey.fileText),
                ("time_zone", timeZone.identifier),
                ("created_at", JournalClock.stamp(now)),
            ] {
                try db.execute(sql: "INSERT INTO setting (name, value) VALUES (?, ?)", arguments: [name, value])
            }
            var member = Member(
                id: nil, name: leadName, role: .lead, boxPublicKey: Data(keys.boxPublicKey),
                signPublicKey: Data(keys.signPublicKey), wrappedSeed: wrapped.fileText,
                createdAt: JournalClock.stamp(now), lastUnlockAt: nil, removedAt: nil)
            try member.insert(db)
            let secrets: [(SecretName, [UInt8])] = [
                (.serviceKey, service.sealSecret(to: keys.boxPublicKey)),
                (.inboxKey, sealSecret(inboxKey, to: keys.boxPublicKey)),
                (.collectorKey, sealSecret(collectorSeed, to: keys.boxPublicKey)),
            ]
            for (name, sealed) in secrets {
                try MemberSecret(memberID: member.id!, name: name.rawValue, sealed: Data(sealed)).insert(db)
            }
            try EventLog.append(db, at: now, member: member, keys: keys, action: .create, subject: leadName)
        }
        let journal = Journal(directory: directory, database: database)
        let (servicePath, collectorPath) = try journal.writePublicKeys(
            service: service.publicKey, collector: collectorKey)
        return Created(
            journal: journal, servicePublicKeyPath: servicePath, collectorPublicKeyPath: collectorPath,
            keyID: service.publicKey.keyID)
    }

    /// The public keys the intake needs, as files in the journal folder: `safety-service.pub` and
    /// `collector.pub`. Returns their paths.
    @discardableResult
    func writePublicKeys(service: SealingPublicKey, collector: CollectorPublicKey) throws -> (String, String) {
        let servicePath = directory.appendingPathComponent("safety-service.pub").path
        let collectorPath = directory.appendingPathComponent("collector.pub").path
        // Replaced, never written through: a link planted at either path is replaced by the file, not followed.
        do {
            try KeyFiles.writePublic(service.fileText, to: servicePath, force: true)
            try KeyFiles.writePublic(collector.fileText, to: collectorPath, force: true)
        } catch {
            throw JournalError.keyFile(error)
        }
        return (servicePath, collectorPath)
    }

    /// Creates a journal folder for the owner alone (0700), or checks one that exists: it must be a folder of the
    /// current user, not a symbolic link; access by others is taken away.
    static func prepareFolder(_ directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var info = stat()
        guard lstat(directory.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid() else {
            throw JournalError.unsafeFolder(path: directory.path)
        }
        if info.st_mode & 0o077 != 0, chmod(directory.path, 0o700) != 0 {
            throw JournalError.unsafeFolder(path: directory.path)
        }
    }

    /// A setting's value.
    func setting(_ name: String) throws -> String? {
        try database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE name = ?", arguments: [name])
        }
    }

    /// The school's time zone.
    public func timeZone() throws -> TimeZone {
        try setting("time_zone").flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "Asia/Almaty")!
    }

    /// The service's public key (what the intake seals to).
    public func servicePublicKey() throws -> SealingPublicKey {
        try SealingPublicKey(fileText: try setting("service_public_key") ?? "")
    }

    /// The members who have not been removed.
    public func members() throws -> [Member] {
        try database.writer.read { db in
            try Member.filter(Member.Columns.removedAt == nil).order(Column("id")).fetchAll(db)
        }
    }

    /// Unlocks the journal as one member. A wrong passphrase changes nothing.
    public func unlock(member name: String?, passphrase: Passphrase, now: Date) throws -> JournalSession {
        let members = try members()
        let member: Member
        if let name {
            guard let found = members.first(where: { $0.name == name }) else { throw JournalError.unknownMember(name) }
            member = found
        } else if members.count == 1 {
            member = members[0]
        } else {
            throw JournalError.chooseMember(members.map(\.name))
        }
        let file = try SecretKeyFile(fileText: member.wrappedSeed)
        let keys: MemberKeys
        do {
            keys = try MemberKeys(wrapped: file, passphrase: passphrase)
        } catch .wrongPassphrase {
            countFailedUnlock(of: member, now: now)
            throw JournalError.wrongPassphrase(member: member.name)
        } catch {
            throw JournalError.damaged("member \(member.name): \(error)")
        }
        // The keys in the member's row must be the ones the passphrase opens (and, checked when the unlock is
        // recorded, the ones the log recorded): a row whose key was replaced would have secrets sealed to it.
        guard Data(keys.boxPublicKey) == member.boxPublicKey, Data(keys.signPublicKey) == member.signPublicKey else {
            throw JournalError.changedBehindSenim(
                RowProblem(table: "member", rowID: member.id!, entryNumber: nil, event: nil))
        }
        let sealed = try database.writer.read { db in
            try MemberSecret.filter(Column("member_id") == member.id!).fetchAll(db)
        }
        var secrets: [SecretName: SecureBytes] = [:]
        var previousServiceKeys: [SealingKeyPair] = []
        for secret in sealed where secret.name.hasPrefix(Self.previousServiceKeyPrefix) {
            do {
                previousServiceKeys.append(SealingKeyPair(secret: try keys.openSealed(Array(secret.sealed))))
            } catch {
                throw JournalError.damaged("the \(secret.name) of \(member.name) does not open")
            }
        }
        for secret in sealed {
            guard let name = SecretName(rawValue: secret.name) else { continue }
            do {
                secrets[name] = try keys.openSealed(Array(secret.sealed))
            } catch {
                throw JournalError.damaged("the \(secret.name) of \(member.name) does not open")
            }
        }
        var unlocked = member
        let failedUnlocks = try database.writer.write { db in
            unlocked.lastUnlockAt = JournalClock.stamp(now)
            try unlocked.update(db)
            // A journal made before events recorded the rows they change: the first unlock records every row
            // as it stands, so that from here on any change behind Senim's back shows.
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE version >= 2") == 0 {
                database.recorder.markAll(try Ledger.allRows(db).keys)
                try EventLog.append(db, at: now, member: unlocked, keys: keys, action: .baseline)
            }
            try EventLog.append(db, at: now, member: unlocked, keys: keys, action: .unlock)
            return try recordFailedUnlocks(db, members: try Member.fetchAll(db), by: unlocked, keys: keys, now: now)
        }
        if !failedUnlocks.isEmpty { forgetFailedUnlocks() }
        return JournalSession(
            journal: self, member: unlocked, keys: keys,
            serviceKey: secrets[.serviceKey].map { SealingKeyPair(secret: $0) },
            inboxKey: secrets[.inboxKey],
            collectorSeed: secrets[.collectorKey],
            previousServiceKeys: previousServiceKeys,
            timeZone: try timeZone(), failedUnlocks: failedUnlocks)
    }
}
