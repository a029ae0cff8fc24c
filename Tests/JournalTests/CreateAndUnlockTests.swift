import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@testable import Journal

@Suite struct CreateTests {
    @Test func createWritesTheDatabaseAndBothPublicKeyFiles() throws {
        let fixture = try JournalFixture()
        let directory = fixture.directory
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names.contains("journal.sqlite"))
        #expect(fixture.created.servicePublicKeyPath == directory.appendingPathComponent("safety-service.pub").path)
        #expect(fixture.created.collectorPublicKeyPath == directory.appendingPathComponent("collector.pub").path)

        let service = try SealingPublicKey(contentsOf: URL(fileURLWithPath: fixture.created.servicePublicKeyPath))
        #expect(service == (try fixture.journal.servicePublicKey()))
        #expect(service.keyID == fixture.created.keyID)
        let collector = try CollectorPublicKey(
            contentsOf: URL(fileURLWithPath: fixture.created.collectorPublicKeyPath))
        #expect(collector.bytes.count == Sodium.signPublicKeyLength)
    }

    @Test func theDatabaseIsReadableByItsOwnerOnly() throws {
        let fixture = try JournalFixture()
        let path = fixture.directory.appendingPathComponent("journal.sqlite").path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let mode = try #require(attributes[.posixPermissions] as? NSNumber).intValue
        #expect(mode & 0o077 == 0)
    }

    @Test func theLeadIsTheOnlyMember() throws {
        let fixture = try JournalFixture()
        let members = try fixture.journal.members()
        #expect(members.map(\.name) == [leadName])
        #expect(members.first?.role == .lead)
        #expect(try fixture.journal.timeZone().identifier == "Asia/Almaty")
    }

    @Test func creatingTwiceIsRefusedAndLeavesTheFirstJournalAlone() throws {
        let fixture = try JournalFixture()
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.created.servicePublicKeyPath))
        let dump = try dumpEveryTable(fixture.writer)

        #expect(throws: JournalError.journalExists(path: fixture.directory.path)) {
            try Journal.create(
                directory: fixture.directory, leadName: "Другой", passphrase: Passphrase("another passphrase"),
                serviceKey: SealingKeyPair(), kdf: .testOnlyInteractive, now: fixedNow)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.created.servicePublicKeyPath)) == before)
        #expect(try dumpEveryTable(fixture.writer) == dump)
    }

    @Test func anImportedServiceKeyIsTheOneReportsAreSealedTo() async throws {
        let imported = try TestKeys.keyPair()
        let fixture = try JournalFixture(serviceKey: imported)
        #expect(try fixture.journal.servicePublicKey() == imported.publicKey)
        #expect(try fixture.servicePublicKey() == TestKeys.publicKey())
        #expect(fixture.created.keyID == imported.publicKey.keyID)

        // A report the intake sealed to the fixture key before the journal existed opens.
        let spool = try fixture.spool()
        let sent = sampleReport("Сообщение для импортированного ключа")
        try await spool.append([try sealedEntry(sent, to: TestKeys.publicKey())])
        let summary = try await fixture.session.pull(spool: spool, now: { fixedNow })
        #expect(summary.imported == 1)
        #expect(try fixture.session.inbox(now: fixedNow).map(\.report) == [sent])
    }

    @Test func aJournalOpensAgainFromItsFolder() throws {
        let fixture = try JournalFixture()
        let reopened = try Journal(directory: fixture.directory)
        #expect(try reopened.servicePublicKey() == fixture.journal.servicePublicKey())
    }

    @Test func openingAFolderWithoutAJournalFails() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: JournalError.noJournal(path: folder.url.path)) {
            try Journal(directory: folder.url)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path("journal.sqlite")))
    }
}

@Suite struct UnlockTests {
    @Test func theRightPassphraseUnlocksAndRecordsTheUnlock() throws {
        let fixture = try JournalFixture()
        let later = date("2026-11-24T04:30:00Z")
        let journal = try Journal(directory: fixture.directory)
        let session = try journal.unlock(member: leadName, passphrase: Passphrase(leadPassphrase), now: later)
        #expect(session.member.name == leadName)
        #expect(session.member.lastUnlockAt == "2026-11-24T04:30:00Z")

        let stored = try #require(try journal.members().first)
        #expect(stored.lastUnlockAt == "2026-11-24T04:30:00Z")
        let last = try fixture.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT at, action, member_id FROM event ORDER BY id DESC LIMIT 1")
        }
        let event = try #require(last)
        #expect(event["action"] as String? == "unlock")
        #expect(event["at"] as String? == "2026-11-24T04:30:00Z")
        #expect(event["member_id"] as Int64? == stored.id)
    }

    @Test func withOneMemberTheNameMayBeLeftOut() throws {
        let fixture = try JournalFixture()
        let session = try fixture.journal.unlock(member: nil, passphrase: Passphrase(leadPassphrase), now: fixedNow)
        #expect(session.member.name == leadName)
    }

    @Test func aWrongPassphraseIsRefusedAndChangesNothing() throws {
        let fixture = try JournalFixture()
        let journal = try Journal(directory: fixture.directory)
        let before = try dumpEveryTable(journal.database.writer)
        // The dump must see the events and the member, or comparing it proves nothing.
        #expect(before["event"]?.count == 2)
        #expect(before["member"]?.count == 1)

        #expect(throws: JournalError.wrongPassphrase(member: leadName)) {
            try journal.unlock(
                member: leadName, passphrase: Passphrase("TEST ONLY lead passphrase, қауіпсіздік!"),
                now: date("2026-11-24T04:30:00Z"))
        }
        #expect(try dumpEveryTable(journal.database.writer) == before)
        #expect(try dumpEveryTable(Journal(directory: fixture.directory).database.writer) == before)
    }

    @Test func anUnknownMemberIsRefusedAndChangesNothing() throws {
        let fixture = try JournalFixture()
        let before = try dumpEveryTable(fixture.writer)
        #expect(throws: JournalError.unknownMember("Бауыржан")) {
            try fixture.journal.unlock(member: "Бауыржан", passphrase: Passphrase(leadPassphrase), now: fixedNow)
        }
        #expect(try dumpEveryTable(fixture.writer) == before)
    }

    @Test func withSeveralMembersOneMustBeChosen() throws {
        let fixture = try JournalFixture()
        try fixture.addMember("Ерлан Директор", role: .director, passphrase: "TEST ONLY director passphrase")
        #expect(throws: JournalError.chooseMember([leadName, "Ерлан Директор"])) {
            try fixture.journal.unlock(member: nil, passphrase: Passphrase(leadPassphrase), now: fixedNow)
        }
    }

    @Test func aMemberWhoDoesNotTriageCannotReadTheInboxOrCollect() throws {
        let fixture = try JournalFixture()
        try fixture.addMember("Дина Психолог", role: .specialist, passphrase: "TEST ONLY specialist passphrase")
        let session = try fixture.journal.unlock(
            member: "Дина Психолог", passphrase: Passphrase("TEST ONLY specialist passphrase"), now: fixedNow)
        #expect(throws: JournalError.notAllowed(member: "Дина Психолог", action: .inbox)) {
            try session.inbox(now: fixedNow)
        }
        #expect(throws: JournalError.notAllowed(member: "Дина Психолог", action: .pull)) {
            try session.importEnvelopes([], now: fixedNow)
        }
        #expect(throws: JournalError.notAllowed(member: "Дина Психолог", action: .register)) {
            try session.register(report: nil, phoneCall("Звонок от родителя"), now: fixedNow)
        }
    }
}
