import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import Spool
import TestSupport
import Testing

@testable import Journal

/// A moment from an ISO 8601 UTC stamp.
func date(_ stamp: String) -> Date {
    try! Date(stamp, strategy: .iso8601)
}

/// The fixed "now" of most tests: a school morning in Almaty (14:00 local).
let fixedNow = date("2026-11-23T09:00:00Z")

/// The lead of every fixture journal.
let leadName = "Айгүл Серікқызы"
/// The lead's passphrase. TEST ONLY.
let leadPassphrase = "TEST ONLY lead passphrase, қауіпсіздік"

/// A journal in a temporary folder, created with cheap Argon2id parameters, and its lead's session.
final class JournalFixture {
    let folder: TemporaryDirectory
    let created: Journal.Created
    let session: JournalSession

    var journal: Journal { created.journal }
    var directory: URL { folder.url.appendingPathComponent("journal") }
    var writer: any DatabaseWriter { journal.database.writer }

    init(serviceKey: SealingKeyPair? = nil, now: Date = fixedNow) throws {
        folder = try TemporaryDirectory()
        created = try Journal.create(
            directory: folder.url.appendingPathComponent("journal"), leadName: leadName,
            passphrase: Passphrase(leadPassphrase), serviceKey: serviceKey, kdf: .testOnlyInteractive, now: now)
        session = try created.journal.unlock(member: leadName, passphrase: Passphrase(leadPassphrase), now: now)
    }

    /// The service public key as the intake reads it: from the file `create` wrote.
    func servicePublicKey() throws -> SealingPublicKey {
        try SealingPublicKey(contentsOf: URL(fileURLWithPath: created.servicePublicKeyPath))
    }

    /// A spool file in the fixture's folder.
    func spool(_ name: String = "spool.sqlite") throws -> SpoolDatabase {
        try SpoolDatabase(path: folder.path(name))
    }

    /// Seals reports to the service key and puts them in the spool; returns the spool entries.
    @discardableResult
    func submit(_ reports: [Report], to spool: SpoolDatabase) async throws -> [SpoolEntry] {
        let entries = try reports.map { try sealedEntry($0, to: servicePublicKey()) }
        try await spool.append(entries)
        return entries
    }

    /// Seals reports, imports them directly and returns their collected records, in the given order.
    @discardableResult
    func collect(_ reports: [Report], now: Date = fixedNow) throws -> [CollectedReport] {
        let entries = try reports.map { try sealedEntry($0, to: servicePublicKey()) }
        _ = try session.importEnvelopes(entries, now: now)
        return try entries.map { try session.findReport(hex($0.id)) }
    }

    /// Changes the database file behind Senim's back, through a connection of its own, the way the `sqlite3`
    /// tool would.
    /// (`foreignKeys: false` is how the `sqlite3` tool opens a file.)
    func tamper(foreignKeys: Bool = true, _ change: (Database) throws -> Void) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = foreignKeys
        let queue = try DatabaseQueue(
            path: directory.appendingPathComponent(JournalDatabase.fileName).path, configuration: configuration)
        try queue.write(change)
    }

    /// Adds a member the way `senim members add` does, as the lead.
    func addMember(_ name: String, role: MemberRole, passphrase: String) throws {
        try session.addMember(
            name: name, role: role, passphrase: Passphrase(passphrase), kdf: .testOnlyInteractive, now: fixedNow)
    }
}

/// A spool row holding arbitrary bytes.
func rawEntry(_ bytes: [UInt8], keyID: [UInt8] = [UInt8](repeating: 0, count: 8)) -> SpoolEntry {
    SpoolEntry(id: Data(Sodium.randomBytes(16)), receivedDay: "2026-11-22", keyID: Data(keyID), envelope: Data(bytes))
}

/// Lowercase hex.
func hex(_ data: Data) -> String {
    data.map { String(format: "%02x", $0) }.joined()
}

/// Every row of every table (and the schema itself), for before/after comparisons.
func dumpEveryTable(_ writer: any DatabaseWriter) throws -> [String: [Row]] {
    try writer.read { db in
        var dump: [String: [Row]] = [
            "sqlite_master": try Row.fetchAll(db, sql: "SELECT * FROM sqlite_master ORDER BY type, name")
        ]
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        for table in tables {
            dump[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier) ORDER BY rowid")
        }
        return dump
    }
}

/// A minimal registration for a report that arrived another way.
func phoneCall(
    _ words: String, receivedAt: Date = date("2026-11-22T05:00:00Z"), types: [CrueltyType] = [.bullying],
    inDanger: Bool = false
) -> Registration {
    Registration(
        channel: .phone, reporterRole: .parent, types: types, inDanger: inDanger, words: words, receivedAt: receivedAt)
}
