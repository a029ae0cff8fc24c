import Foundation
import GRDB
import ReportFormat
import SafetyKeys

/// What a backup says about itself, authenticated by its passphrase.
public struct BackupHeader: Codable, Equatable, Sendable {
    public var version = 1
    /// When and by whom it was made.
    public var createdAt: String
    public var createdBy: String
    /// The head of the event log in the backup: a restore must reach exactly this head.
    public var head: String?
    public var events: Int
    /// The school's holiday calendar file, if the journal folder had one.
    public var calendar: String?
    /// The school's own urgency words (`urgency.txt`), if the journal folder had them.
    public var urgency: String?
}

/// A restored journal and what verifying it found.
public struct Restored: Sendable {
    public let journal: Journal
    public let header: BackupHeader
    public let verification: Verification
}

extension JournalSession {
    /// Writes a single encrypted backup of the journal to `path`, consistent even while the journal is in use
    /// (SQLite's online backup), under a backup passphrase of its own. The head it ends at is written into it;
    /// once the file is whole on disk (fsync'd), a `backup` event naming that head is added to the log, so that the
    /// log never says a backup was made when none was (a full disk, issue 13 §5). If the event cannot be added,
    /// the file goes too.
    @discardableResult
    public func backup(to path: String, passphrase: Passphrase, kdf: KDFParameters = .moderate, now: Date) throws
        -> BackupHeader
    {
        guard member.role.readsAllEntries else { throw JournalError.notAllowed(member: member.name, action: .backup) }
        if FileManager.default.fileExists(atPath: path) { throw JournalError.backup(.exists(path: path)) }
        let snapshot = journal.directory.appendingPathComponent(".backup-\(UUID().uuidString).sqlite").path
        defer { Self.erase(snapshot) }
        do {
            let destination = try DatabaseQueue(path: snapshot)
            try writer.backup(to: destination)
            try destination.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw JournalError.backup(.diskFull(path: snapshot))
        }
        chmod(snapshot, 0o600)
        let head = try Journal.verify(snapshotPath: snapshot)
        func text(_ name: String) -> String? {
            try? String(contentsOfFile: journal.directory.appendingPathComponent(name).path, encoding: .utf8)
        }
        let header = BackupHeader(
            createdAt: JournalClock.stamp(now), createdBy: member.name, head: head.head?.fingerprint,
            events: head.events, calendar: text("calendar.txt"), urgency: text("urgency.txt"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerBytes = Array(try encoder.encode(header))
        do {
            try BackupCipher.encrypt(
                input: snapshot, output: path, header: headerBytes, passphrase: passphrase, parameters: kdf)
        } catch {
            throw JournalError.backup(error)
        }
        do {
            try log(.backup, header.head ?? "", now: now)
        } catch {
            unlink(path)
            throw error
        }
        return header
    }

    /// Overwrites and removes a temporary copy of the database.
    static func erase(_ path: String) {
        for file in [path, path + "-journal", path + "-wal", path + "-shm"] {
            if let handle = FileHandle(forWritingAtPath: file) {
                let size = (try? handle.seekToEnd()) ?? 0
                try? handle.seek(toOffset: 0)
                try? handle.write(contentsOf: Data(count: Int(size)))
                try? handle.synchronize()
                try? handle.close()
            }
            unlink(file)
        }
    }
}

extension Journal {
    /// Verifies a database file that is not open as a journal (a backup's snapshot).
    static func verify(snapshotPath: String) throws -> Verification {
        let queue = try DatabaseQueue(path: snapshotPath)
        defer { try? queue.close() }
        return try queue.read { db in try verify(db, expectedHead: nil) }
    }

    /// Restores a backup into a new journal folder and verifies it: the whole chain, every row, and that the log
    /// reaches exactly the head the backup recorded. A wrong passphrase or a damaged file restores nothing.
    public static func restore(from path: String, to directory: URL, passphrase: Passphrase) throws -> Restored {
        let database = directory.appendingPathComponent(JournalDatabase.fileName).path
        if FileManager.default.fileExists(atPath: database) {
            throw JournalError.journalExists(path: directory.path)
        }
        try Journal.prepareFolder(directory)
        let headerBytes: [UInt8]
        do {
            headerBytes = try BackupCipher.decrypt(input: path, output: database, passphrase: passphrase)
        } catch {
            throw JournalError.backup(error)
        }
        guard let header = try? JSONDecoder().decode(BackupHeader.self, from: Data(headerBytes)) else {
            JournalSession.erase(database)
            throw JournalError.backup(.unsupported)
        }
        let journal = try Journal(directory: directory)
        var verification = try journal.verify(head: header.head)
        if let expected = header.head, verification.head?.fingerprint != expected {
            verification.failures.append(.headMismatch(fingerprint: expected))
        }
        for (name, text) in [("calendar.txt", header.calendar), ("urgency.txt", header.urgency)] {
            guard let text else { continue }
            do {
                try KeyFiles.write(text, to: directory.appendingPathComponent(name).path, mode: 0o600, force: true)
            } catch {
                throw JournalError.keyFile(error)
            }
        }
        let collector = try CollectorPublicKey(fileText: try journal.setting("collector_public_key") ?? "")
        try journal.writePublicKeys(service: try journal.servicePublicKey(), collector: collector)
        return Restored(journal: journal, header: header, verification: verification)
    }
}
