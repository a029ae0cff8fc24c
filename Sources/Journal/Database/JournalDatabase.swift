import Foundation
import GRDB

/// The journal's SQLite database: WAL, `synchronous=FULL`, `secure_delete`, no temp files,
/// and named migrations that are never edited once released.
public final class JournalDatabase: Sendable {
    /// The file name inside a journal folder.
    public static let fileName = "journal.sqlite"

    /// Only the journal's own types read and write through it (as GRDB's `AppDatabase` keeps its writer).
    let writer: any DatabaseWriter
    /// Watches every write so that each change is claimed by an event (see `Ledger`).
    let recorder: Ledger.Recorder

    /// Opens the journal database in `directory`; it must exist unless `create`.
    public init(directory: URL, create: Bool = false) throws {
        let path = directory.appendingPathComponent(Self.fileName).path
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw JournalError.noJournal(path: directory.path)
        }
        writer = try DatabasePool(path: path, configuration: Self.configuration())
        try Self.upgrade(writer)
        recorder = try Ledger.Recorder.attach(to: writer)
        for suffix in ["", "-wal", "-shm"] { chmod(path + suffix, 0o600) }
    }

    /// An in-memory journal (tests).
    public init() throws {
        writer = try DatabaseQueue(configuration: Self.configuration())
        try Self.migrator.migrate(writer)
        recorder = try Ledger.Recorder.attach(to: writer)
    }

    deinit { Ledger.Recorder.detach(from: writer) }

    /// Runs the migrations not yet applied. A journal whose record of applied migrations does not match its tables
    /// (a row of `grdb_migrations` deleted, so that a migration would run twice) is refused before anything runs;
    /// a migration that fails is rolled back and refused the same way.
    static func upgrade(_ writer: any DatabaseWriter) throws {
        let names = migrator.migrations
        let applied = try writer.read { db in
            (try migrator.appliedIdentifiers(db), try db.tableExists("setting"))
        }
        let expected = Set(names.prefix(applied.0.count))
        if applied.0 != expected || (applied.1 && applied.0.isEmpty) {
            let missing = names.prefix(applied.0.count).filter { !applied.0.contains($0) }
            throw JournalError.cannotUpgrade(
                reason: missing.isEmpty ? "no upgrade recorded" : "missing: \(missing.joined(separator: ", "))")
        }
        do {
            try migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw JournalError.cannotUpgrade(reason: error.message ?? "\(error.resultCode)")
        }
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        // A second senim (another pull, a backup) waits for the first instead of failing at once.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return config
    }

    /// Triggers that refuse every update and delete of a table's rows, with the given messages.
    private static func appendOnly(_ db: Database, table: String, onUpdate: String, onDelete: String) throws {
        try db.execute(
            sql: """
                CREATE TRIGGER \(table)_append_only_update BEFORE UPDATE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(onUpdate)'); END;
                CREATE TRIGGER \(table)_append_only_delete BEFORE DELETE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(onDelete)'); END;
                """)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-journal") { db in
            try db.execute(
                sql: """
                    CREATE TABLE setting (
                        name TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    );
                    CREATE TABLE member (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL,
                        box_public_key BLOB NOT NULL,
                        sign_public_key BLOB NOT NULL,
                        wrapped_seed TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        last_unlock_at TEXT,
                        removed_at TEXT
                    );
                    CREATE TABLE member_secret (
                        member_id INTEGER NOT NULL REFERENCES member(id),
                        name TEXT NOT NULL,
                        sealed BLOB NOT NULL,
                        PRIMARY KEY (member_id, name)
                    );
                    CREATE TABLE entry (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        number TEXT NOT NULL UNIQUE,
                        academic_year TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        report_id BLOB,
                        channel TEXT NOT NULL,
                        reporter_role TEXT NOT NULL,
                        types TEXT NOT NULL,
                        place TEXT,
                        occurred TEXT,
                        victims INTEGER NOT NULL DEFAULT 0,
                        aggressors INTEGER NOT NULL DEFAULT 0,
                        witnesses INTEGER NOT NULL DEFAULT 0,
                        aggressor_kind TEXT NOT NULL,
                        in_danger INTEGER NOT NULL DEFAULT 0,
                        urgent_reasons TEXT NOT NULL DEFAULT '',
                        received_at TEXT NOT NULL,
                        registered_at TEXT NOT NULL,
                        registered_by INTEGER NOT NULL REFERENCES member(id),
                        status TEXT NOT NULL,
                        risk_level TEXT,
                        UNIQUE (academic_year, sequence)
                    );
                    CREATE INDEX entry_received ON entry(received_at);
                    CREATE TABLE report (
                        id BLOB PRIMARY KEY NOT NULL,
                        received_day TEXT NOT NULL,
                        received_hour TEXT,
                        envelope BLOB,
                        state TEXT NOT NULL,
                        unreadable_reason TEXT,
                        language TEXT,
                        reporter TEXT,
                        what TEXT,
                        place TEXT,
                        timing TEXT,
                        in_danger INTEGER,
                        urgent_reasons TEXT NOT NULL DEFAULT '',
                        sealed_payload BLOB,
                        entry_id INTEGER REFERENCES entry(id),
                        pulled_at TEXT NOT NULL
                    );
                    CREATE INDEX report_state ON report(state, received_hour);
                    CREATE TABLE entry_field (
                        entry_id INTEGER NOT NULL REFERENCES entry(id),
                        name TEXT NOT NULL,
                        sealed BLOB NOT NULL,
                        PRIMARY KEY (entry_id, name)
                    );
                    CREATE TABLE entry_key (
                        entry_id INTEGER NOT NULL REFERENCES entry(id),
                        member_id INTEGER NOT NULL REFERENCES member(id),
                        sealed BLOB NOT NULL,
                        PRIMARY KEY (entry_id, member_id)
                    );
                    CREATE TABLE year_counter (
                        academic_year TEXT PRIMARY KEY NOT NULL,
                        last INTEGER NOT NULL
                    );
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL,
                        member_id INTEGER,
                        action TEXT NOT NULL,
                        subject TEXT NOT NULL DEFAULT '',
                        previous_hash BLOB NOT NULL,
                        hash BLOB NOT NULL,
                        signature BLOB
                    );
                    CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
                    CREATE TRIGGER event_append_only_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
                    """)
        }
        migrator.registerMigration("v2-assessments") { db in
            // One row per assessment of an entry, never updated: a re-assessment is a new row. The levels and
            // the outcome stay queryable; the answers, their notes, the basis and the reason are sealed with
            // the entry's data key.
            try db.execute(
                sql: """
                    CREATE TABLE assessment (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id INTEGER NOT NULL REFERENCES entry(id),
                        sequence INTEGER NOT NULL,
                        proposed_level TEXT NOT NULL,
                        decided_level TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        overridden INTEGER NOT NULL,
                        assessed_by INTEGER NOT NULL REFERENCES member(id),
                        assessed_at TEXT NOT NULL,
                        sealed BLOB NOT NULL,
                        UNIQUE (entry_id, sequence)
                    );
                    """)
            try appendOnly(
                db, table: "assessment", onUpdate: "assessments are never changed: assess again",
                onDelete: "assessments are never deleted")
        }
        migrator.registerMigration("v3-steps") { db in
            // The response steps of an entry (primary information, the decision communicated, the immediate
            // steps of item 42), never updated: recording a step again adds a row, and the latest row counts.
            try db.execute(
                sql: """
                    CREATE TABLE entry_step (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id INTEGER NOT NULL REFERENCES entry(id),
                        step TEXT NOT NULL,
                        state TEXT NOT NULL,
                        sealed_reason BLOB,
                        member_id INTEGER NOT NULL REFERENCES member(id),
                        at TEXT NOT NULL
                    );
                    CREATE INDEX entry_step_entry ON entry_step(entry_id, step);
                    """)
            try appendOnly(
                db, table: "entry_step", onUpdate: "steps are never changed: record the step again",
                onDelete: "steps are never deleted")
        }
        migrator.registerMigration("v4-plans") { db in
            // The help and support plan's measures and the referrals of an entry, append-only, their content
            // sealed with the entry's data key.
            try db.execute(
                sql: """
                    CREATE TABLE plan_item (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id INTEGER NOT NULL REFERENCES entry(id),
                        kind TEXT NOT NULL,
                        sealed BLOB NOT NULL,
                        member_id INTEGER NOT NULL REFERENCES member(id),
                        at TEXT NOT NULL
                    );
                    CREATE INDEX plan_item_entry ON plan_item(entry_id);
                    """)
            try appendOnly(
                db, table: "plan_item", onUpdate: "plan items are never changed: add a new one",
                onDelete: "plan items are never deleted")
        }
        migrator.registerMigration("v5-ledger") { db in
            // Events commit to the rows they changed: one row here per changed row, with its fingerprint after
            // the change (NULL when the change deleted it). Sign-offs, comments and access lists of entries.
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
                    CREATE TABLE event_row (
                        event_id INTEGER NOT NULL REFERENCES event(id),
                        tbl TEXT NOT NULL,
                        row_id INTEGER NOT NULL,
                        digest BLOB,
                        PRIMARY KEY (event_id, tbl, row_id)
                    );
                    CREATE INDEX event_row_row ON event_row(tbl, row_id);
                    CREATE TABLE signoff (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id INTEGER NOT NULL REFERENCES entry(id),
                        member_id INTEGER NOT NULL REFERENCES member(id),
                        at TEXT NOT NULL,
                        content_hash BLOB NOT NULL,
                        signature BLOB NOT NULL
                    );
                    CREATE INDEX signoff_entry ON signoff(entry_id);
                    CREATE TABLE entry_comment (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id INTEGER NOT NULL REFERENCES entry(id),
                        member_id INTEGER NOT NULL REFERENCES member(id),
                        at TEXT NOT NULL,
                        sealed BLOB NOT NULL
                    );
                    CREATE INDEX entry_comment_entry ON entry_comment(entry_id);
                    CREATE TABLE entry_access (
                        entry_id INTEGER NOT NULL REFERENCES entry(id),
                        member_id INTEGER NOT NULL REFERENCES member(id),
                        PRIMARY KEY (entry_id, member_id)
                    );
                    """)
            try appendOnly(
                db, table: "event_row", onUpdate: "the event log is append-only",
                onDelete: "the event log is append-only")
            try appendOnly(
                db, table: "signoff", onUpdate: "sign-offs are never changed: sign again",
                onDelete: "sign-offs are never deleted")
            try appendOnly(
                db, table: "entry_comment", onUpdate: "comments are never changed: add another",
                onDelete: "comments are never deleted")
        }
        migrator.registerMigration("v6-facts") { db in
            // The facts item 36 counts. A person is a student an entry refers to: with a code the lead assigns
            // (looked up by a keyed hash, stored sealed), the same child across entries counts once; without one,
            // each row is a child of its own. Nothing here names anyone.
            try db.execute(
                sql: """
                    CREATE TABLE person (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        code_mac BLOB UNIQUE,
                        sealed_code BLOB
                    );
                    CREATE TABLE entry_person (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id INTEGER NOT NULL REFERENCES entry(id),
                        person_id INTEGER NOT NULL REFERENCES person(id),
                        role TEXT NOT NULL,
                        facts TEXT NOT NULL DEFAULT '',
                        UNIQUE (entry_id, person_id, role)
                    );
                    CREATE INDEX entry_person_entry ON entry_person(entry_id);
                    ALTER TABLE entry ADD COLUMN staff_dismissed INTEGER NOT NULL DEFAULT 0;
                    -- Covers what the statistics read of an entry, so counting a quarter never visits the table.
                    CREATE INDEX entry_statistics
                        ON entry(registered_at, types, victims, aggressors, witnesses, staff_dismissed);
                    """)
        }
        migrator.registerMigration("v7-inbox-preview") { db in
            // The first line of each waiting report, sealed under the inbox key on its own: listing the inbox then
            // opens a line, not the whole report. Cleared with the report's payload when it is registered.
            // (Listed in `Ledger.addedColumns`, so rows fingerprinted before it still verify.)
            try db.execute(sql: "ALTER TABLE report ADD COLUMN sealed_preview BLOB")
        }
        return migrator
    }
}
