import Foundation
import GRDB
import ReportFormat
import Synchronization

/// What the event log vouches for: every row of the journal's tables, each fingerprinted, each change claimed by
/// the event that made it.
///
/// A `Ledger.Recorder` watches the writer connection. Every insert, update and delete of a covered table is
/// remembered until the next event is appended; the event then records the fingerprint of each changed row as it
/// stands (or that it was deleted) in `event_row`, and its hash commits to that list. A transaction that changes a
/// covered table without appending an event is rolled back, so nothing Senim writes can escape the log.
/// (SQLite reports no change for rows that `INSERT OR REPLACE` deletes: write upserts instead. `journal verify`
/// would report such a row as missing.)
enum Ledger {
    /// The tables whose rows the log vouches for. (The log's own tables are vouched for by the chain.)
    static let tables: Set<String> = [
        "setting", "member", "member_secret", "entry", "report", "entry_field", "entry_key", "year_counter",
        "assessment", "entry_step", "plan_item", "signoff", "entry_comment", "entry_access", "person", "entry_person",
    ]

    /// A row: its table and SQLite row ID.
    struct RowRef: Hashable, Comparable {
        let table: String
        let rowID: Int64

        static func < (a: RowRef, b: RowRef) -> Bool { (a.table, a.rowID) < (b.table, b.rowID) }
    }

    /// A column that a migration added to a covered table after events had started to fingerprint its rows.
    ///
    /// An event before the migration fingerprinted the table's rows without the column. The migration gave every
    /// existing row the column with `filled` and changed nothing else, so such a row, untouched since, no longer
    /// matches that fingerprint as it stands, but it does as the earlier schema saw it: without the column. That
    /// reading is allowed only while the column still holds `filled`; any other change to the row still shows.
    /// Migrations are never edited, so this list only grows: every `ALTER TABLE … ADD COLUMN` on a covered table
    /// belongs here (`UpgradeVerificationTests` checks it against the migrator).
    struct AddedColumn: Sendable {
        /// The migration that added the column.
        let migration: String
        let table: String
        let column: String
        /// The value the migration gave the rows that existed (the column's default).
        let filled: DatabaseValue
    }

    /// The columns added to covered tables since `v5-ledger`, in migration order.
    static let addedColumns: [AddedColumn] = [
        AddedColumn(migration: "v6-facts", table: "entry", column: "staff_dismissed", filled: 0.databaseValue),
        AddedColumn(migration: "v7-inbox-preview", table: "report", column: "sealed_preview", filled: .null),
    ]

    /// The migrations that added columns to covered tables, oldest first: the earlier schemas a recorded
    /// fingerprint may have seen a row in.
    static let columnMigrations: [String] = addedColumns.reduce(into: []) { names, added in
        if names.last != added.migration { names.append(added.migration) }
    }

    /// A row's fingerprint: BLAKE2b-256 over its table, row ID and every column (name, type and value), each
    /// length-prefixed so that no two different rows encode alike.
    static func digest(table: String, rowID: Int64, row: some Sequence<(String, DatabaseValue)>) -> Data {
        digest(table: table, rowID: rowID, row: row, skipping: [])
    }

    /// The row's fingerprint as an event saw it before `migration` ran: without the columns that migration and
    /// later ones added to its table. Nil when one of those columns holds anything but the value its migration
    /// filled in, because then the row has changed since such an event and must not match it.
    static func digest(
        table: String, rowID: Int64, row: some Sequence<(String, DatabaseValue)>, before migration: String
    ) -> Data? {
        guard let first = addedColumns.firstIndex(where: { $0.migration == migration }) else { return nil }
        var skipped: Set<String> = []
        for added in addedColumns[first...] where added.table == table {
            guard let value = row.first(where: { $0.0 == added.column })?.1 else { continue }
            guard identical(value, added.filled) else { return nil }
            skipped.insert(added.column)
        }
        return digest(table: table, rowID: rowID, row: row, skipping: skipped)
    }

    /// Whether two values are stored alike: same storage class, same value (GRDB's `==` equates 1 and 1.0).
    private static func identical(_ a: DatabaseValue, _ b: DatabaseValue) -> Bool {
        switch (a.storage, b.storage) {
        case (.null, .null): true
        case (.int64(let x), .int64(let y)): x == y
        case (.double(let x), .double(let y)): x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): Array(x.utf8) == Array(y.utf8)
        case (.blob(let x), .blob(let y)): x == y
        default: false
        }
    }

    private static func digest(
        table: String, rowID: Int64, row: some Sequence<(String, DatabaseValue)>, skipping: Set<String>
    ) -> Data {
        var bytes: [UInt8] = []
        func append(_ tag: UInt8, _ part: [UInt8]) {
            bytes.append(tag)
            var length = UInt32(part.count).bigEndian
            withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: part)
        }
        append(0x54, Array(table.utf8))
        append(0x52, Array(String(rowID).utf8))
        for (column, value) in row {
            if column == "rowid" || skipping.contains(column) { continue }
            append(0x43, Array(column.utf8))
            switch value.storage {
            case .null: append(0x00, [])
            case .int64(let number): append(0x01, Array(String(number).utf8))
            case .double(let number): append(0x02, Array(String(number).utf8))
            case .string(let text): append(0x03, Array(text.utf8))
            case .blob(let data): append(0x04, Array(data))
            }
        }
        return Data(Sodium.genericHash(bytes, length: 32))
    }

    /// The current fingerprint of one row, or nil when it does not exist.
    static func digest(_ db: Database, _ ref: RowRef) throws -> Data? {
        guard let row = try row(db, ref) else { return nil }
        return digest(table: ref.table, rowID: ref.rowID, row: row)
    }

    /// The row as it stands, or nil when it does not exist.
    static func row(_ db: Database, _ ref: RowRef) throws -> Row? {
        try Row.fetchOne(db, sql: "SELECT * FROM \(ref.table) WHERE rowid = ?", arguments: [ref.rowID])
    }

    /// Whether an existing row still matches a fingerprint recorded before a migration added columns to its
    /// table (see `AddedColumn`).
    static func matchesEarlierSchema(_ db: Database, _ ref: RowRef, _ recorded: Data) throws -> Bool {
        guard let row = try row(db, ref) else { return false }
        return matchesEarlierSchema(ref, row: row, recorded)
    }

    private static func matchesEarlierSchema(
        _ ref: RowRef, row: some Sequence<(String, DatabaseValue)>, _ recorded: Data
    ) -> Bool {
        guard addedColumns.contains(where: { $0.table == ref.table }) else { return false }
        return columnMigrations.contains { migration in
            digest(table: ref.table, rowID: ref.rowID, row: row, before: migration) == recorded
        }
    }

    /// Whether a row is what `recorded` fingerprinted: as it stands, or as the schema before a later migration saw
    /// it (see `AddedColumn`).
    private static func isAsRecorded(
        _ ref: RowRef, row: some Sequence<(String, DatabaseValue)>, _ recorded: Data
    ) -> Bool {
        digest(table: ref.table, rowID: ref.rowID, row: row) == recorded
            || matchesEarlierSchema(ref, row: row, recorded)
    }

    /// A row's columns, in the table's order: what a fingerprint covers.
    typealias Columns = [(String, DatabaseValue)]

    /// What the log last recorded for a row: nil when no event did; `.some(nil)` when the last one recorded that
    /// the row was deleted.
    private static func lastClaim(_ db: Database, _ ref: RowRef) throws -> (digest: Data?, event: Int64)? {
        try Row.fetchOne(
            db,
            sql: "SELECT digest, event_id FROM event_row WHERE tbl = ? AND row_id = ? ORDER BY event_id DESC LIMIT 1",
            arguments: [ref.table, ref.rowID]
        ).map { ($0["digest"], $0["event_id"]) }
    }

    /// Refuses a change to a row that is not what the log last recorded, so that an event never signs a change
    /// made behind Senim's back (which `journal verify` would otherwise stop seeing). `before` is the row as it
    /// stood before Senim's first change to it since the last event, nil when Senim inserted it: a new row must
    /// not take the place of one the log still holds (deleted behind Senim's back).
    static func checkRecorded(_ db: Database, _ ref: RowRef, before: Columns?) throws {
        let claim = try lastClaim(db, ref)
        if let before {
            if let recorded = claim?.digest, isAsRecorded(ref, row: before, recorded) { return }
        } else if claim?.digest == nil {
            return
        }
        throw JournalError.changedBehindSenim(
            RowProblem(
                table: ref.table, rowID: ref.rowID, entryNumber: try Journal.entryNumber(db, ref),
                event: claim?.event))
    }

    /// The rows of `table` that are not what the log last recorded for them (changed or added behind Senim's
    /// back), each with the last event that recorded it: what the queue and the statistics must not trust.
    static func unrecordedRows(_ db: Database, table: String) throws -> [Int64: Int64?] {
        var claims: [Int64: (digest: Data?, event: Int64)] = [:]
        let recorded = try Row.fetchCursor(
            db, sql: "SELECT row_id, digest, event_id FROM event_row WHERE tbl = ? ORDER BY event_id",
            arguments: [table])
        while let claim = try recorded.next() { claims[claim[0]] = (claim[1], claim[2]) }
        var found: [Int64: Int64?] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid AS rowid, * FROM \(table)")
        while let row = try rows.next() {
            let ref = RowRef(table: table, rowID: row["rowid"])
            let claim = claims[ref.rowID]
            if let recorded = claim?.digest, isAsRecorded(ref, row: row, recorded) { continue }
            found[ref.rowID] = .some(claim?.event)
        }
        return found
    }

    /// Refuses when any row of `tables` is not what the log last recorded, naming the first.
    static func requireRecorded(_ db: Database, tables: [String]) throws {
        for table in tables {
            guard let (rowID, event) = try unrecordedRows(db, table: table).min(by: { $0.key < $1.key }) else {
                continue
            }
            let ref = RowRef(table: table, rowID: rowID)
            throw JournalError.changedBehindSenim(
                RowProblem(table: table, rowID: rowID, entryNumber: try Journal.entryNumber(db, ref), event: event))
        }
    }

    /// A member's box public key as the log recorded it: refuses when the member's row was changed behind Senim's
    /// back (its key replaced by someone else's), so that no secret is ever sealed to a key the log does not
    /// vouch for.
    static func recordedBoxKey(_ db: Database, of member: Member) throws -> [UInt8] {
        let ref = RowRef(table: "member", rowID: member.id!)
        guard let row = try row(db, ref) else { throw JournalError.unknownMember(member.name) }
        // Changed by Senim since the last event: checked, as it stood before, when the event is appended.
        if Recorder.watching(db)?.hasSeen(ref) != true { try checkRecorded(db, ref, before: Array(row)) }
        return Array(row["box_public_key"] as Data)
    }

    /// Every row of the covered tables with its fingerprint.
    static func allRows(_ db: Database) throws -> [RowRef: Data] {
        var rows: [RowRef: Data] = [:]
        for table in tables.sorted() where try db.tableExists(table) {
            let cursor = try Row.fetchCursor(db, sql: "SELECT rowid AS rowid, * FROM \(table)")
            while let row = try cursor.next() {
                let rowID: Int64 = row["rowid"]
                rows[RowRef(table: table, rowID: rowID)] = digest(table: table, rowID: rowID, row: row)
            }
        }
        return rows
    }

    /// One line of an event's record of changes.
    struct Change: Equatable {
        let ref: RowRef
        /// The row's fingerprint after the change; nil when the change deleted it.
        let digest: Data?
    }

    /// The hash an event's record of changes contributes to the event's own hash.
    static func changesHash(_ changes: [Change]) -> Data {
        let lines = changes.sorted { $0.ref < $1.ref }.map { change in
            "\(change.ref.table)\t\(change.ref.rowID)\t\(change.digest?.hexString ?? "deleted")\n"
        }
        return Data(Sodium.genericHash(Array(lines.joined().utf8), length: 32))
    }

    /// Watches the writer connection for changes to the covered tables.
    ///
    /// Besides GRDB's change notifications, temporary triggers on the writer connection (never stored in the
    /// file) hand the recorder each row as it stood before Senim's first change to it since the last event, so
    /// that the event can refuse to sign a row that was changed behind Senim's back (`checkRecorded`).
    final class Recorder: TransactionObserver, Sendable {
        private struct State {
            var changed: Set<RowRef> = []
            /// Each row's columns before its first change since the last event; nil for a row inserted since.
            var before: [RowRef: Columns?] = [:]
        }

        /// What an event is appended with.
        struct Taken {
            let changed: Set<RowRef>
            let before: [RowRef: Columns?]
        }

        private let state = Mutex<State>(State())
        private static let byConnection = Mutex<[ObjectIdentifier: Recorder]>([:])

        /// Starts watching `writer`'s connection.
        static func attach(to writer: any DatabaseWriter) throws -> Recorder {
            let recorder = Recorder()
            try writer.writeWithoutTransaction { db in
                db.add(transactionObserver: recorder, extent: .observerLifetime)
                byConnection.withLock { $0[ObjectIdentifier(db)] = recorder }
                try recorder.installTriggers(db)
            }
            return recorder
        }

        /// The temporary triggers and the functions they call.
        private func installTriggers(_ db: Database) throws {
            var columnsByTable: [String: [String]] = [:]
            for table in Ledger.tables where try db.tableExists(table) {
                columnsByTable[table] = try db.columns(in: table).map(\.name)
            }
            let names = columnsByTable
            db.add(
                function: DatabaseFunction("senim_ledger_before", argumentCount: nil, pure: false) { [self] values in
                    guard values.count >= 2, let table = String.fromDatabaseValue(values[0]),
                        let rowID = Int64.fromDatabaseValue(values[1]), let columns = names[table],
                        columns.count == values.count - 2
                    else { return nil }
                    self.sawBefore(RowRef(table: table, rowID: rowID), Array(zip(columns, values.dropFirst(2))))
                    return nil
                })
            db.add(
                function: DatabaseFunction("senim_ledger_inserted", argumentCount: 2, pure: false) { [self] values in
                    guard let table = String.fromDatabaseValue(values[0]),
                        let rowID = Int64.fromDatabaseValue(values[1])
                    else { return nil }
                    self.sawBefore(RowRef(table: table, rowID: rowID), nil)
                    return nil
                })
            for (table, columns) in columnsByTable.sorted(by: { $0.key < $1.key }) {
                let old = columns.map { "OLD.\"\($0)\"" }.joined(separator: ", ")
                try db.execute(
                    sql: """
                        CREATE TEMP TRIGGER IF NOT EXISTS senim_ledger_\(table)_update BEFORE UPDATE ON main.\(table)
                        BEGIN SELECT senim_ledger_before('\(table)', OLD.rowid, \(old)); END;
                        CREATE TEMP TRIGGER IF NOT EXISTS senim_ledger_\(table)_delete BEFORE DELETE ON main.\(table)
                        BEGIN SELECT senim_ledger_before('\(table)', OLD.rowid, \(old)); END;
                        CREATE TEMP TRIGGER IF NOT EXISTS senim_ledger_\(table)_insert AFTER INSERT ON main.\(table)
                        BEGIN SELECT senim_ledger_inserted('\(table)', NEW.rowid); END;
                        """)
            }
        }

        /// Remembers a row as it stood before a change, unless it changed already since the last event.
        private func sawBefore(_ ref: RowRef, _ columns: Columns?) {
            state.withLock { state in
                if state.before[ref] == nil { state.before[ref] = .some(columns) }
            }
        }

        /// Whether the row changed since the last event.
        func hasSeen(_ ref: RowRef) -> Bool { state.withLock { $0.before[ref] != nil || $0.changed.contains(ref) } }

        /// Stops watching (when the database closes).
        static func detach(from writer: any DatabaseWriter) {
            writer.writeWithoutTransaction { db in
                _ = byConnection.withLock { $0.removeValue(forKey: ObjectIdentifier(db)) }
            }
        }

        /// The recorder watching this connection, if any.
        static func watching(_ db: Database) -> Recorder? {
            byConnection.withLock { $0[ObjectIdentifier(db)] }
        }

        /// The rows changed since the last event, with what they were before, forgetting them.
        func take() -> Taken {
            state.withLock { state in
                defer { state = State() }
                return Taken(changed: state.changed, before: state.before)
            }
        }

        /// Claims every row (the baseline of a journal made before the log recorded changes).
        func markAll(_ rows: some Sequence<RowRef>) { state.withLock { $0.changed.formUnion(rows) } }

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { Ledger.tables.contains(eventKind.tableName) }

        func databaseDidChange(with event: DatabaseEvent) {
            let ref = RowRef(table: event.tableName, rowID: event.rowID)
            state.withLock { _ = $0.changed.insert(ref) }
        }

        func databaseWillCommit() throws {
            let unrecorded = state.withLock { $0.changed }
            if let first = unrecorded.min() {
                throw JournalError.damaged(
                    "a change to \(first.table) row \(first.rowID) was about to be saved without an event in the log")
            }
        }

        func databaseDidCommit(_ db: Database) {}

        func databaseDidRollback(_ db: Database) { state.withLock { $0 = State() } }
    }
}
