import Foundation
import GRDB
import ReportFormat

/// One sealed envelope waiting in the spool.
///
/// The row holds exactly this and nothing else: a random 128-bit ID, the receipt day,
/// the recipient key ID and the envelope. No address, no header, no precise time.
public struct SpoolEntry: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "envelope"

    /// Random 16-byte ID.
    public var id: Data
    /// `YYYY-MM-DD`, UTC.
    public var receivedDay: String
    /// The recipient key's ID (8 bytes).
    public var keyID: Data
    /// The envelope bytes.
    public var envelope: Data

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let receivedDay = Column(CodingKeys.receivedDay)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case receivedDay = "received_day"
        case keyID = "key_id"
        case envelope
    }

    /// A new entry for an envelope received on `day`.
    public init(id: Data, receivedDay: String, keyID: Data, envelope: Data) {
        self.id = id
        self.receivedDay = receivedDay
        self.keyID = keyID
        self.envelope = envelope
    }

    public init(envelope: Envelope, day: String) {
        self.id = Data(Sodium.randomBytes(16))
        self.receivedDay = day
        self.keyID = Data(envelope.keyID.bytes)
        self.envelope = Data(envelope.bytes)
    }
}

/// The intake's spool: an SQLite database in WAL mode with `synchronous=FULL`, so a
/// committed envelope survives a crash or a power cut.
public final class SpoolDatabase: Sendable {
    /// The underlying pool.
    public let writer: any DatabaseWriter

    /// Opens (creating if needed) the spool at `path` and migrates it.
    public convenience init(path: String) throws {
        let pool = try DatabasePool(path: path, configuration: Self.configuration())
        // GRDB turns WAL on after `prepareDatabase` and sets the writer to synchronous=NORMAL,
        // which can lose the last commits in a power cut: set FULL again on the only writing connection.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try self.init(writer: pool)
        // The spool, its WAL and its shared-memory file are for this user alone.
        for suffix in ["", "-wal", "-shm"] { chmod(path + suffix, 0o600) }
    }

    /// An in-memory spool with the same schema (tests).
    public static func inMemory() throws -> SpoolDatabase {
        try SpoolDatabase(writer: DatabaseQueue(configuration: configuration()))
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.prepareDatabase { db in
            // An acknowledged report must survive a power cut, not only a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Deleted envelopes are overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // No temporary files on disk.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return config
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-envelope") { db in
            // WITHOUT ROWID and a random key: the table's order says nothing about arrival order.
            try db.execute(
                sql: """
                    CREATE TABLE envelope (
                        id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
                        received_day TEXT NOT NULL,
                        key_id BLOB NOT NULL CHECK (length(key_id) = 8),
                        envelope BLOB NOT NULL
                    ) WITHOUT ROWID
                    """)
        }
        return migrator
    }

    /// Appends envelopes in one transaction; returns when it is committed.
    public func append(_ entries: [SpoolEntry]) async throws {
        try await writer.write { db in
            for entry in entries { try entry.insert(db) }
        }
    }

    /// Number of envelopes waiting.
    public func count() throws -> Int {
        try writer.read { db in try SpoolEntry.fetchCount(db) }
    }

    /// Up to `limit` envelopes with IDs after `after`, in ID order: a stable cursor for collection.
    public func batch(after: Data?, limit: Int) throws -> [SpoolEntry] {
        try writer.read { db in
            var request = SpoolEntry.order(SpoolEntry.Columns.id).limit(limit)
            if let after { request = request.filter(SpoolEntry.Columns.id > after) }
            return try request.fetchAll(db)
        }
    }

    /// Deletes collected envelopes (overwritten on disk: `secure_delete` is on). Returns how many went.
    @discardableResult
    public func delete(ids: [Data]) throws -> Int {
        try writer.write { db in
            var deleted = 0
            for id in ids { deleted += try SpoolEntry.deleteOne(db, key: id) ? 1 : 0 }
            return deleted
        }
    }

    /// Every envelope waiting, in ID order.
    public func all() throws -> [SpoolEntry] {
        try writer.read { db in try SpoolEntry.order(SpoolEntry.Columns.id).fetchAll(db) }
    }
}

/// Group commit: envelopes that arrive while a commit is running wait for the next one,
/// which takes them all in one transaction. Each caller returns only once its own
/// envelope is committed, so durability costs one fsync per batch, not per report.
public actor SpoolWriter {
    private let database: SpoolDatabase
    private let maxBatch: Int
    private var pending: [(SpoolEntry, CheckedContinuation<Void, any Error>)] = []
    private var flushing = false

    public init(database: SpoolDatabase, maxBatch: Int = 2048) {
        self.database = database
        self.maxBatch = maxBatch
    }

    /// Appends one envelope and returns when it has been committed to disk.
    public func append(_ entry: SpoolEntry) async throws {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((entry, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                try await database.append(batch.map(\.0))
                for (_, continuation) in batch { continuation.resume() }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
