import Foundation
import GRDB
import ReportFormat
import Synchronization

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

/// A reporter's mailbox (issue 17): the ID derived from their receipt code and two days, nothing else. The
/// replies and the state the safety service sends will be blobs sealed to the reporter's key beside it.
public struct MailboxRow: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mailbox"
    /// BLAKE2b-256 of the receipt code (`ReceiptCode.mailboxID`).
    public var id: Data
    /// `YYYY-MM-DD`, UTC: the day the report was stored.
    public var createdDay: String
    /// `YYYY-MM-DD`, UTC: the day the reporter last checked or wrote; the mailbox expires counted from it.
    public var usedDay: String

    enum CodingKeys: String, CodingKey {
        case id
        case createdDay = "created_day"
        case usedDay = "used_day"
    }

    public init(id: Data, day: String) {
        self.id = id
        self.createdDay = day
        self.usedDay = day
    }

    /// The last day the mailbox is kept if it is not used again.
    public func expiresDay(keepDays: Int) -> String { Self.day(usedDay, minus: -keepDays) }

    /// `day` (`YYYY-MM-DD`) moved back by `days` (forward when negative). Plain calendar arithmetic on the
    /// proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`): a `DateFormatter` made per check cost the
    /// intake more than the rest of the check together.
    public static func day(_ day: String, minus days: Int) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        let shifted = daysFromCivil(parts[0], parts[1], parts[2]) - days
        let (year, month, dayOfMonth) = civilFromDays(shifted)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(dayOfMonth))"
    }

    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z: Int) -> (Int, Int, Int) {
        let z = z + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// The intake's spool: an SQLite database in WAL mode with `synchronous=FULL`, so a
/// committed envelope survives a crash or a power cut.
public final class SpoolDatabase: Sendable {
    /// The underlying pool.
    public let writer: any DatabaseWriter
    /// Copies the log into the database beside the writer (nil in memory).
    private let checkpointer: SpoolCheckpointer?

    /// Opens (creating if needed) the spool at `path` and migrates it.
    ///
    /// A checkpoint copies the log into the database after about every `checkpointBytes` committed; the log
    /// starts over once it is past `restartLogBytes` (see `SpoolCheckpointer`).
    public convenience init(path: String, checkpointBytes: Int = 4 << 20, restartLogBytes: Int = 64 << 20) throws {
        let pool = try DatabasePool(path: path, configuration: Self.configuration())
        // GRDB turns WAL on after `prepareDatabase` and sets the writer to synchronous=NORMAL,
        // which can lose the last commits in a power cut: set FULL again on the only writing connection.
        // The writer never checkpoints: `SpoolCheckpointer` does, on a connection of its own.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            try db.execute(sql: "PRAGMA journal_size_limit = \(restartLogBytes)")
        }
        let checkpointer = try SpoolCheckpointer(
            path: path, thresholdBytes: checkpointBytes, restartBytes: restartLogBytes)
        try self.init(writer: pool, checkpointer: checkpointer)
        // The spool, its WAL and its shared-memory file are for this user alone.
        for suffix in ["", "-wal", "-shm"] { chmod(path + suffix, 0o600) }
    }

    /// An in-memory spool with the same schema (tests).
    public static func inMemory() throws -> SpoolDatabase {
        try SpoolDatabase(writer: DatabaseQueue(configuration: configuration()))
    }

    init(writer: any DatabaseWriter, checkpointer: SpoolCheckpointer? = nil) throws {
        self.writer = writer
        self.checkpointer = checkpointer
        try Self.migrator.migrate(writer)
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        // Another connection may hold the write lock for a moment (a `senim pull` deleting collected envelopes
        // from a local spool while the intake stores): wait for it, do not fail.
        config.busyMode = .timeout(10)
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
        migrator.registerMigration("v2-mailbox") { db in
            // WITHOUT ROWID and a derived key: nothing in the table says which envelope, or when in the day.
            try db.execute(
                sql: """
                    CREATE TABLE mailbox (
                        id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 32),
                        created_day TEXT NOT NULL,
                        used_day TEXT NOT NULL
                    ) WITHOUT ROWID
                    """)
        }
        return migrator
    }

    /// The mailbox with this ID, if there is one.
    public func mailbox(_ id: Data) throws -> MailboxRow? {
        try writer.read { db in try MailboxRow.fetchOne(db, key: id) }
    }

    /// The mailbox with this ID if it has not expired, marked as used `today`. A read, and a write only the first
    /// time a mailbox is used on a day: a check costs the intake a lookup, not a commit. A mailbox past its days is
    /// answered as one never made, by the same read, whether or not `expireMailboxes` has deleted it yet.
    public func touchMailbox(_ id: Data, today: String, keepDays: Int) throws -> MailboxRow? {
        let oldest = MailboxRow.day(today, minus: keepDays)
        guard var row = try writer.read({ db in try MailboxRow.fetchOne(db, key: id) }), row.usedDay >= oldest
        else { return nil }
        guard row.usedDay != today else { return row }
        row.usedDay = today
        try writer.write { [row] db in try row.update(db) }
        return row
    }

    /// Deletes every mailbox unused for more than `keepDays`; how many went. `secure_delete` overwrites them, and
    /// the write-ahead log, which still holds the pages that stored them, is copied in and truncated, as after a
    /// collection.
    @discardableResult
    public func expireMailboxes(today: String, keepDays: Int) throws -> Int {
        let oldest = MailboxRow.day(today, minus: keepDays)
        let deleted = try writer.write { db in
            try db.execute(sql: "DELETE FROM mailbox WHERE used_day < ?", arguments: [oldest])
            return db.changesCount
        }
        if deleted > 0, checkpointer != nil { try eraseLog() }
        return deleted
    }

    /// Every mailbox (tests and the anonymity checks).
    public func mailboxes() throws -> [MailboxRow] {
        try writer.read { db in try MailboxRow.fetchAll(db) }
    }

    /// Appends envelopes in one transaction, with the mailboxes of the reports among them; returns when it is
    /// committed: a reporter is shown a code only once its mailbox is as durable as the report.
    public func append(_ entries: [SpoolEntry], mailboxes: [MailboxRow] = []) async throws {
        let restart = checkpointer?.takeRestart() ?? false
        try await writer.writeWithoutTransaction { db in
            // The few pages committed since the checkpointer's last pass; the commit below starts the log over.
            if restart { _ = try? db.checkpoint(.passive) }
            try db.inTransaction {
                for entry in entries { try entry.insert(db) }
                for mailbox in mailboxes { try mailbox.insert(db) }
                return .commit
            }
        }
        checkpointer?.committed(bytes: entries.reduce(0) { $0 + $1.envelope.count })
    }

    /// Number of envelopes waiting.
    public func count() throws -> Int {
        try writer.read { db in try SpoolEntry.fetchCount(db) }
    }

    /// Up to `limit` envelopes with IDs after `after`, in ID order: a stable cursor for collection.
    /// A page of envelopes in ID order after `after`: at most `limit` of them and, past the first, at most
    /// `maxBytes` of envelope bytes, so that a page of maximum-size reports stays small in memory on both sides
    /// (issue 13 §4); `more` says whether any are left after it. Read through a cursor: one envelope beyond the
    /// page is loaded, never the rest.
    public func page(after: Data?, limit: Int, maxBytes: Int) throws -> (entries: [SpoolEntry], more: Bool) {
        try writer.read { db in
            var request = SpoolEntry.order(SpoolEntry.Columns.id).limit(limit + 1)
            if let after { request = request.filter(SpoolEntry.Columns.id > after) }
            let cursor = try request.fetchCursor(db)
            var entries: [SpoolEntry] = []
            var bytes = 0
            while let entry = try cursor.next() {
                if entries.count == limit || (!entries.isEmpty && bytes + entry.envelope.count > maxBytes) {
                    return (entries, true)
                }
                entries.append(entry)
                bytes += entry.envelope.count
            }
            return (entries, false)
        }
    }

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
        let deleted = try writer.write { db in
            var deleted = 0
            for id in ids { deleted += try SpoolEntry.deleteOne(db, key: id) ? 1 : 0 }
            return deleted
        }
        if checkpointer != nil { try eraseLog() }
        return deleted
    }

    /// Copies the log into the database and truncates it to nothing. `secure_delete` zeroes a deleted envelope in
    /// the page's new version, but the version that stored it stays whole in the write-ahead log until the log is
    /// overwritten (issue 13: 59 of 59 collected envelopes were still in `spool.sqlite-wal` after a pull). A reader
    /// on an old snapshot makes a truncating checkpoint give up (`SQLITE_BUSY`): try again for up to a few seconds.
    private func eraseLog() throws {
        var attempt = 0
        while true {
            do {
                _ = try writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 50 {
                attempt += 1
                usleep(100_000)
            }
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
    private var pending: [(SpoolEntry, MailboxRow?, CheckedContinuation<Void, any Error>)] = []
    private var flushing = false

    public init(database: SpoolDatabase, maxBatch: Int = 2048) {
        self.database = database
        self.maxBatch = maxBatch
    }

    /// Appends one envelope and returns when it has been committed to disk.
    public func append(_ entry: SpoolEntry, mailbox: MailboxRow? = nil) async throws {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((entry, mailbox, continuation))
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
                try await database.append(batch.map(\.0), mailboxes: batch.compactMap(\.1))
                for (_, _, continuation) in batch { continuation.resume() }
            } catch {
                for (_, _, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
        flushing = false
    }
}

/// Copies committed pages from the write-ahead log into the database, on a connection of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: every report of that batch
/// waited for the copy before it was acknowledged, and the next batch waited behind it. The writer's automatic
/// checkpoint is off; after about every `thresholdBytes` committed this runs a passive checkpoint beside the
/// writer. A log copied to its end starts over at the next commit, but under steady load a commit always comes
/// in while a checkpoint runs; so once the log is past `restartBytes`, the writer copies the few pages committed
/// since the last checkpoint itself, just before its next commit, and that commit starts the log over (and the
/// writer's `journal_size_limit` cuts the file back).
/// A commit is durable in the log itself: a checkpoint that fails or never runs loses nothing.
final class SpoolCheckpointer: Sendable {
    /// Bytes committed between checkpoints (4 MiB is about SQLite's own automatic threshold of 1,000 pages).
    let thresholdBytes: Int
    /// The log's size past which the writer finishes a checkpoint so that the log starts over.
    let restartBytes: Int

    private struct State {
        var bytesSinceCheckpoint = 0
        var scheduled = false
        var restart = false
    }

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "senim.spool.checkpoint")
    private let state = Mutex(State())

    init(path: String, thresholdBytes: Int, restartBytes: Int) throws {
        self.thresholdBytes = thresholdBytes
        self.restartBytes = restartBytes
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Notes `bytes` committed; starts a checkpoint once enough have been, unless one is under way.
    func committed(bytes: Int) {
        let start = state.withLock { state in
            state.bytesSinceCheckpoint += bytes
            guard !state.scheduled, state.bytesSinceCheckpoint >= thresholdBytes else { return false }
            state.scheduled = true
            state.bytesSinceCheckpoint = 0
            return true
        }
        if start { queue.async { self.checkpoint() } }
    }

    /// Whether the writer should finish a checkpoint before its next commit (asked once per commit).
    func takeRestart() -> Bool {
        state.withLock { state in
            defer { state.restart = false }
            return state.restart
        }
    }

    private func checkpoint() {
        // A failure leaves the pages in the log, where they are as durable; the next checkpoint copies them.
        var log = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        let restart = (log?.walFrameCount ?? 0) * 4096 > restartBytes
        if restart {
            // Each pass copies what was committed during the one before, fewer pages each time: the writer is
            // left with only a few.
            for _ in 0..<3 { log = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) } }
        }
        state.withLock { state in
            state.scheduled = false
            if restart, log != nil { state.restart = true }
        }
    }
}
