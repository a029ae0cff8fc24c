import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@testable import Journal

/// A journal that has been through every action once, each at its own minute.
struct Walkthrough {
    static let text = "Жангелді мені дәретханада қамап қойды"
    static let names = "Жангелді Орынбасаров"

    let fixture: JournalFixture
    let shortID: String
    let number: String

    init() async throws {
        fixture = try JournalFixture(now: date("2026-11-23T09:00:00Z"))
        let session = fixture.session
        let spool = try fixture.spool()
        let sent = sampleReport(Self.text, language: .kk, names: Self.names)
        try await fixture.submit([sent], to: spool)
        _ = try await session.pull(spool: spool, now: { date("2026-11-23T09:01:00Z") })
        let item = try #require(try session.inbox(now: date("2026-11-23T09:02:00Z")).first)
        shortID = item.record.shortID
        _ = try session.show(report: shortID, now: date("2026-11-23T09:03:00Z"))
        number = try session.register(report: shortID, Registration(report: sent), now: date("2026-11-23T09:04:00Z"))
            .record.number
        _ = try session.showEntry(number, now: date("2026-11-23T09:05:00Z"))
        _ = try session.entries(now: date("2026-11-23T09:06:00Z"))
    }

    func events() throws -> [JournalEvent] {
        try fixture.writer.read { db in try JournalEvent.order(Column("id")).fetchAll(db) }
    }
}

@Suite struct EventLogTests {
    @Test func everyActionAppendsOneEventWithItsSubject() async throws {
        let walk = try await Walkthrough()
        let events = try walk.events()
        #expect(
            events.map(\.action) == ["create", "unlock", "pull", "inbox", "view", "register", "view-entry", "list"])
        #expect(
            events.map(\.subject) == [
                leadName, "", "1 readable, 0 unreadable", "1 listed", "report \(walk.shortID)", walk.number,
                walk.number, "1 entries",
            ])
        #expect(
            events.map(\.at) == [
                "2026-11-23T09:00:00Z", "2026-11-23T09:00:00Z", "2026-11-23T09:01:00Z", "2026-11-23T09:02:00Z",
                "2026-11-23T09:03:00Z", "2026-11-23T09:04:00Z", "2026-11-23T09:05:00Z", "2026-11-23T09:06:00Z",
            ])
        let lead = try #require(try walk.fixture.journal.members().first?.id)
        #expect(events.allSatisfy { $0.memberID == lead })
    }

    @Test func eachEventCommitsToThePreviousOne() async throws {
        let events = try await Walkthrough().events()
        #expect(events.first?.previousHash == Data(repeating: 0, count: 32))
        #expect(events.first?.previousHash == EventLog.genesis)
        for (earlier, later) in zip(events, events.dropFirst()) {
            #expect(later.previousHash == earlier.hash, "event \(later.id ?? -1)")
        }
    }

    @Test func eachHashCanBeRecomputedFromTheEventsFieldsAndTheRowsItChanged() async throws {
        let walk = try await Walkthrough()
        let events = try walk.events()
        for event in events {
            #expect(event.version == 2)
            let lines = try await walk.fixture.writer.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT tbl, row_id, digest FROM event_row WHERE event_id = ? ORDER BY tbl, row_id",
                    arguments: [event.id!]
                ).map { row -> String in
                    let digest: Data? = row["digest"]
                    return "\(row["tbl"] as String)\t\(row["row_id"] as Int64)\t\(digest.map(hex) ?? "deleted")\n"
                }
            }
            let changes = Sodium.genericHash(Array(lines.joined().utf8), length: 32)
            let fields = [event.at, event.memberID.map(String.init) ?? "-", event.action, event.subject]
                .joined(separator: "\u{1F}")
            let expected = Sodium.genericHash(
                Array(event.previousHash) + Array(fields.utf8) + [0x1F] + changes, length: 32)
            #expect(event.hash == Data(expected), "event \(event.id ?? -1) \(event.action)")
        }
    }

    @Test func registeringRecordsEveryRowItWrote() async throws {
        let walk = try await Walkthrough()
        let register = try #require(try walk.events().first { $0.action == "register" })
        let tables = try await walk.fixture.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT tbl FROM event_row WHERE event_id = ? ORDER BY tbl", arguments: [register.id!])
        }
        #expect(Set(tables) == ["entry", "entry_field", "entry_key", "report", "year_counter"])
        #expect(tables.filter { $0 == "entry_field" }.count >= 2, "the words and the names")
    }

    @Test func aChangeWithoutAnEventIsRolledBack() async throws {
        let walk = try await Walkthrough()
        let before = try dumpEveryTable(walk.fixture.writer)
        #expect(throws: JournalError.self) {
            try walk.fixture.writer.write { db in
                try db.execute(sql: "UPDATE entry SET risk_level = 'low'")
            }
        }
        #expect(try dumpEveryTable(walk.fixture.writer) == before)
    }

    @Test func eachEventIsSignedByItsMember() async throws {
        let walk = try await Walkthrough()
        let keys = Dictionary(
            uniqueKeysWithValues: try walk.fixture.journal.members().map { ($0.id!, $0.signPublicKey) })
        for event in try walk.events() {
            let memberID = try #require(event.memberID)
            let signature = try #require(event.signature)
            let publicKey = try #require(keys[memberID])
            #expect(
                Sodium.verify(signature: Array(signature), message: Array(event.hash), publicKey: Array(publicKey)),
                "event \(event.id ?? -1) \(event.action)")
            // The signature covers this hash and no other.
            #expect(
                !Sodium.verify(
                    signature: Array(signature), message: Array(event.previousHash), publicKey: Array(publicKey)))
        }
    }

    @Test func eventsOfAnotherMemberAreSignedWithTheirOwnKey() throws {
        let fixture = try JournalFixture()
        try fixture.addMember("Ерлан Директор", role: .director, passphrase: "TEST ONLY director passphrase")
        let director = try fixture.journal.unlock(
            member: "Ерлан Директор", passphrase: Passphrase("TEST ONLY director passphrase"), now: fixedNow)
        _ = try director.entries(now: fixedNow)
        let events = try fixture.writer.read { db in try JournalEvent.order(Column("id")).fetchAll(db) }
        let last = try #require(events.last)
        #expect(last.action == "list")
        #expect(last.memberID == director.member.id)
        let lead = try #require(try fixture.journal.members().first { $0.name == leadName })
        let signature = Array(try #require(last.signature))
        #expect(
            Sodium.verify(
                signature: signature, message: Array(last.hash), publicKey: Array(director.member.signPublicKey)))
        #expect(!Sodium.verify(signature: signature, message: Array(last.hash), publicKey: Array(lead.signPublicKey)))
    }

    @Test func theLogRefusesUpdates() async throws {
        let walk = try await Walkthrough()
        let before = try walk.events()
        let error = #expect(throws: DatabaseError.self) {
            try walk.fixture.writer.write { db in
                try db.execute(sql: "UPDATE event SET subject = 'nothing happened' WHERE action = 'view'")
            }
        }
        #expect(error?.message?.contains("append-only") == true)
        #expect(try walk.events() == before)
    }

    @Test func theLogRefusesDeletes() async throws {
        let walk = try await Walkthrough()
        let before = try walk.events()
        for sql in ["DELETE FROM event WHERE action = 'view-entry'", "DELETE FROM event"] {
            let error = #expect(throws: DatabaseError.self) {
                try walk.fixture.writer.write { db in try db.execute(sql: sql) }
            }
            #expect(error?.message?.contains("append-only") == true)
        }
        #expect(try walk.events() == before)
    }

    @Test func eventsNeverHoldWhatTheReporterWrote() async throws {
        let walk = try await Walkthrough()
        let logged = try walk.events().map { "\($0.at) \($0.action) \($0.subject)" }.joined(separator: "\n")
        for word in (Walkthrough.text + " " + Walkthrough.names).split(separator: " ") {
            #expect(!logged.contains(word), "\(word) is in the event log")
        }
    }
}
