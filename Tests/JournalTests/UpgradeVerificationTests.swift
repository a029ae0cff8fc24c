import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@testable import Journal

/// A journal folder whose database a build of Senim wrote while its schema ended at `migration`, then closed: the
/// state a school's journal is in when a newer Senim first opens it.
///
/// How it is made, and why that is faithful: the migrations up to `migration` are the released ones, never edited,
/// so migrating a new file up to there gives exactly that build's schema. The rows are then written the way that
/// build's code wrote them (the columns its `Journal.create` and `register` inserted, listed here by name; the
/// `entry` insert names no `staff_dismissed`, which `v5-ledger`'s schema does not have), inside transactions
/// watched by the same `Ledger.Recorder` and closed by the same `EventLog.append`, which have not changed since
/// `v5-ledger` apart from new action names. So each event is genuinely hashed and signed by the lead's key over the
/// fingerprints of the rows as that schema returned them from `SELECT *`: nothing is recomputed or forged
/// afterwards. (Rebuilding a current journal's `entry` table without the column instead would mean recomputing
/// every fingerprint, event hash and signature after it: a simulation of the bug, not the bug.) A sign-off is
/// made too, over the content hash as the build before `v6-facts` computed it.
struct EarlierJournal {
    let folder: TemporaryDirectory
    let number = "2026/27-001"

    var directory: URL { folder.url.appendingPathComponent("journal") }
    var path: String { directory.appendingPathComponent(JournalDatabase.fileName).path }

    init(writtenAt migration: String) throws {
        folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path, configuration: JournalDatabase.configuration())
        try JournalDatabase.migrator.migrate(queue, upTo: migration)
        _ = try Ledger.Recorder.attach(to: queue)
        defer { Ledger.Recorder.detach(from: queue) }
        let keys = MemberKeys()
        let now = fixedNow
        let stamp = JournalClock.stamp(now)
        let lead = try queue.write { db in
            for (name, value) in [("time_zone", "Asia/Almaty"), ("created_at", stamp)] {
                try db.execute(sql: "INSERT INTO setting (name, value) VALUES (?, ?)", arguments: [name, value])
            }
            try db.execute(
                sql: """
                    INSERT INTO member (name, role, box_public_key, sign_public_key, wrapped_seed, created_at)
                    VALUES (?, 'lead', ?, ?, ?, ?)
                    """,
                arguments: [
                    leadName, Data(keys.boxPublicKey), Data(keys.signPublicKey),
                    try keys.wrap(passphrase: Passphrase(leadPassphrase), parameters: .testOnlyInteractive).fileText,
                    stamp,
                ])
            let lead = try #require(try Member.fetchOne(db, key: db.lastInsertedRowID))
            try EventLog.append(db, at: now, member: lead, keys: keys, action: .create, subject: leadName)
            return lead
        }
        let dataKey = randomSecretKey()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO year_counter (academic_year, last) VALUES ('2026/27', 1)")
            try db.execute(
                sql: """
                    INSERT INTO entry (
                        id, number, academic_year, sequence, report_id, channel, reporter_role, types, place,
                        occurred, victims, aggressors, witnesses, aggressor_kind, in_danger, urgent_reasons,
                        received_at, registered_at, registered_by, status, risk_level)
                    VALUES (
                        NULL, ?, '2026/27', 1, NULL, 'phone', 'parent', 'bullying', NULL,
                        NULL, 1, 1, 0, 'student', 0, '',
                        '2026-11-22T05:00:00Z', ?, ?, 'registered', NULL)
                    """, arguments: [number, stamp, lead.id!])
            let entryID = db.lastInsertedRowID
            let words = FieldCipher.seal(
                Array("Мені дәретханада қамап қойды".utf8), key: dataKey,
                context: JournalSession.fieldContext(entryID: entryID, field: .words))
            try db.execute(
                sql: "INSERT INTO entry_field (entry_id, name, sealed) VALUES (?, 'words', ?)",
                arguments: [entryID, Data(words)])
            try db.execute(
                sql: "INSERT INTO entry_key (entry_id, member_id, sealed) VALUES (?, ?, ?)",
                arguments: [entryID, lead.id!, Data(sealSecret(dataKey, to: keys.boxPublicKey))])
            try EventLog.append(db, at: now, member: lead, keys: keys, action: .register, subject: number)
        }
        try queue.write { db in
            let entryID = try #require(
                try Int64.fetchOne(db, sql: "SELECT id FROM entry WHERE number = ?", arguments: [number]))
            let hash = try Self.contentHashBeforeFacts(db, entryID: entryID)
            try db.execute(
                sql: """
                    INSERT INTO signoff (entry_id, member_id, at, content_hash, signature)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entryID, lead.id!, stamp, hash,
                    Data(keys.sign(JournalSession.signOffMessage(number: number, contentHash: hash))),
                ])
            try EventLog.append(db, at: now, member: lead, keys: keys, action: .signOff, subject: number)
        }
        try queue.close()
    }

    /// The content hash as `JournalSession.contentHash` computed it before `v6-facts` (no `entry_person` yet).
    static func contentHashBeforeFacts(_ db: Database, entryID: Int64) throws -> Data {
        var lines = "senim entry content v1\n"
        lines +=
            "entry\t\(entryID)\t\(try Ledger.digest(db, Ledger.RowRef(table: "entry", rowID: entryID))!.hexString)\n"
        for table in ["entry_field", "assessment", "entry_step", "plan_item", "entry_access"] {
            for rowID in try Int64.fetchAll(
                db, sql: "SELECT rowid FROM \(table) WHERE entry_id = ? ORDER BY rowid", arguments: [entryID])
            {
                let ref = Ledger.RowRef(table: table, rowID: rowID)
                lines += "\(table)\t\(rowID)\t\(try Ledger.digest(db, ref)!.hexString)\n"
            }
        }
        return Data(Sodium.genericHash(Array(lines.utf8), length: 32))
    }

    /// Changes the database file behind Senim's back, as `sqlite3` would.
    func tamper(_ change: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write(change)
        try queue.close()
    }
}

/// `journal verify` and sign-offs across schema upgrades: a journal whose rows were fingerprinted before a migration
/// added columns to them verifies after it, and tampering before or after the upgrade still shows.
@Suite struct UpgradeVerificationTests {
    /// The schemas a journal's events may have fingerprinted rows under before the current one: every migration
    /// from `v5-ledger` (the first that recorded fingerprints) to the one before the last.
    static let earlierSchemas: [String] = {
        let all = JournalDatabase.migrator.migrations
        return Array(all[all.firstIndex(of: "v5-ledger")!..<(all.count - 1)])
    }()

    /// The event that registered the entry.
    func registerEvent(_ journal: Journal) throws -> Int64 {
        try #require(
            try journal.database.writer.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM event WHERE action = 'register'")
            })
    }

    @Test(arguments: earlierSchemas)
    func aJournalWrittenBeforeAMigrationVerifiesAfterIt(schema: String) throws {
        let earlier = try EarlierJournal(writtenAt: schema)
        let journal = try Journal(directory: earlier.directory)
        let columns = try journal.database.writer.read { db in try db.columns(in: "entry").map(\.name) }
        #expect(columns.contains("staff_dismissed"), "the journal was upgraded")
        let result = try journal.verify()
        #expect(result.failures == [])
        #expect(result.events == 3)
        #expect(result.rows >= 7)
    }

    @Test func anOldEntryAlteredBeforeTheUpgradeIsReported() throws {
        let earlier = try EarlierJournal(writtenAt: "v5-ledger")
        try earlier.tamper { db in try db.execute(sql: "UPDATE entry SET types = 'sexual'") }
        let journal = try Journal(directory: earlier.directory)
        try expectOnlyTheEntryReportedChanged(journal, earlier)
    }

    @Test(arguments: [
        "UPDATE entry SET types = 'sexual'",
        "UPDATE entry SET staff_dismissed = 1",
        "UPDATE entry SET risk_level = 'low', staff_dismissed = 0",
    ])
    func anOldEntryAlteredAfterTheUpgradeIsReported(change: String) throws {
        let earlier = try EarlierJournal(writtenAt: "v5-ledger")
        let journal = try Journal(directory: earlier.directory)
        try #require(try journal.verify().isIntact)
        try earlier.tamper { db in try db.execute(sql: change) }
        try expectOnlyTheEntryReportedChanged(journal, earlier)
    }

    /// Verification reports exactly one failure: the old entry's row changed since its register event.
    func expectOnlyTheEntryReportedChanged(_ journal: Journal, _ earlier: EarlierJournal) throws {
        let failures = try journal.verify().failures
        guard case .rowChanged(let problem) = failures.first, failures.count == 1 else {
            Issue.record("expected the entry's row changed, got \(failures)")
            return
        }
        #expect(problem.table == "entry")
        #expect(problem.entryNumber == earlier.number)
        #expect(problem.event == (try registerEvent(journal)))
    }

    /// The entry's sign-offs as the lead sees them after unlocking the upgraded journal.
    func signOffs(_ earlier: EarlierJournal) throws -> [SignOffStatus] {
        let journal = try Journal(directory: earlier.directory)
        let session = try journal.unlock(member: leadName, passphrase: Passphrase(leadPassphrase), now: fixedNow)
        return try session.signOffs(of: earlier.number, now: fixedNow)
    }

    @Test func aSignOffMadeBeforeTheUpgradeStillMatchesTheEntry() throws {
        let earlier = try EarlierJournal(writtenAt: "v5-ledger")
        let statuses = try signOffs(earlier)
        #expect(statuses.map(\.signatureValid) == [true])
        #expect(statuses.map(\.current) == [true])
        #expect(
            try Journal(directory: earlier.directory).verify().failures == [], "unlocking wrote only through events")
    }

    @Test func aSignOffMadeBeforeTheUpgradeIsOutdatedOnceTheEntryChanges() throws {
        let earlier = try EarlierJournal(writtenAt: "v5-ledger")
        _ = try Journal(directory: earlier.directory)
        try earlier.tamper { db in try db.execute(sql: "UPDATE entry SET staff_dismissed = 1") }
        let statuses = try signOffs(earlier)
        #expect(statuses.map(\.signatureValid) == [true])
        #expect(statuses.map(\.current) == [false])
    }

    /// A future `ALTER TABLE … ADD COLUMN` on a covered table would break verification of every older journal
    /// unless `Ledger.addedColumns` declares it, with the value the migration gave existing rows.
    @Test func everyColumnAMigrationAddsToACoveredTableIsDeclared() throws {
        let all = JournalDatabase.migrator.migrations
        let queue = try DatabaseQueue()
        try JournalDatabase.migrator.migrate(queue, upTo: "v5-ledger")
        func columns() throws -> [String: [ColumnInfo]] {
            try queue.read { db in
                var columns: [String: [ColumnInfo]] = [:]
                for table in Ledger.tables where try db.tableExists(table) {
                    columns[table] = try db.columns(in: table)
                }
                return columns
            }
        }
        var before = try columns()
        var found: [String] = []
        for migration in all[(all.firstIndex(of: "v5-ledger")! + 1)...] {
            try JournalDatabase.migrator.migrate(queue, upTo: migration)
            let after = try columns()
            for (table, columns) in after.sorted(by: { $0.key < $1.key }) {
                guard let known = before[table].map({ Set($0.map(\.name)) }) else { continue }
                for column in columns where !known.contains(column.name) {
                    let filled = try queue.read { db in
                        try DatabaseValue.fetchOne(db, sql: "SELECT \(column.defaultValueSQL ?? "NULL")")
                    }
                    found.append("\(migration) \(table).\(column.name) = \(filled ?? .null)")
                }
            }
            before = after
        }
        let declared = Ledger.addedColumns.map { "\($0.migration) \($0.table).\($0.column) = \($0.filled)" }
        #expect(found == declared)
        #expect(found.contains("v6-facts entry.staff_dismissed = 0"))
    }
}
