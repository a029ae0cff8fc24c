import Foundation
import GRDB
import Journal
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@Suite struct BackupTests {
    let backupPassphrase = Passphrase("TEST ONLY backup passphrase")

    func backedUp() async throws -> (Walkthrough, String, BackupHeader) {
        let walk = try await Walkthrough()
        let path = walk.fixture.folder.path("journal.senim-backup")
        let header = try walk.fixture.session.backup(
            to: path, passphrase: backupPassphrase, kdf: .testOnlyInteractive, now: date("2026-11-23T10:00:00Z"))
        return (walk, path, header)
    }

    @Test func aBackupRestoresIntoAJournalThatVerifiesAndOpens() async throws {
        let (walk, path, header) = try await backedUp()
        #expect(header.createdBy == leadName)
        // The backup holds the log up to the event before it; the `backup` event, added once the file was whole on
        // disk, names that head.
        let events = try walk.events()
        let backup = try #require(events.last)
        #expect(backup.action == "backup")
        #expect(backup.subject == header.head)
        let before = events[events.count - 2]
        #expect(header.head == ChainHead(eventID: before.id!, hash: before.hash).fingerprint)

        let target = try TemporaryDirectory()
        let restored = try Journal.restore(
            from: path, to: target.url.appendingPathComponent("restored"), passphrase: backupPassphrase)
        #expect(restored.verification.failures == [])
        #expect(restored.verification.head?.fingerprint == header.head)
        #expect(restored.header == header)
        let session = try restored.journal.unlock(
            member: leadName, passphrase: Passphrase(leadPassphrase), now: date("2026-11-23T11:00:00Z"))
        #expect(try session.showEntry(walk.number, now: fixedNow).fields[.words] == Walkthrough.text)
        let pub = target.url.appendingPathComponent("restored/safety-service.pub").path
        #expect(try SealingPublicKey(contentsOf: URL(fileURLWithPath: pub)) == walk.fixture.servicePublicKey())
    }

    @Test func theBackupFileHoldsNoNameAndNoDatabaseInTheClear() async throws {
        let (walk, path, _) = try await backedUp()
        defer { withExtendedLifetime(walk) {} }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for needle in ["SQLite format 3", leadName, "2026/27-001", "register"] {
            #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) is readable in the backup")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aWrongPassphraseRestoresNothing() async throws {
        let (walk, path, _) = try await backedUp()
        defer { withExtendedLifetime(walk) {} }
        let target = try TemporaryDirectory()
        let folder = target.url.appendingPathComponent("restored")
        #expect(throws: JournalError.backup(.wrongPassphrase)) {
            try Journal.restore(from: path, to: folder, passphrase: Passphrase("not the backup passphrase"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("journal.sqlite").path))
    }

    @Test(arguments: ["flip a byte in the middle", "cut the end", "append a byte", "change the cost", "swap blocks"])
    func aDamagedBackupRestoresNothing(damage: String) async throws {
        let (walk, path, _) = try await backedUp()
        defer { withExtendedLifetime(walk) {} }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var expected = BackupError.damaged
        switch damage {
        case "flip a byte in the middle": bytes[bytes.count / 2] ^= 0x01
        case "cut the end": bytes.removeLast(40)
        case "append a byte": bytes.append(0)
        case "change the cost":
            // The Argon2id passes are in the clear but authenticated: another cost derives another key.
            bytes[8] = bytes[8] == 3 ? 4 : 3
            expected = .wrongPassphrase
        default:
            // The header block and the first block of the database exchanged.
            let start = 8 + 16 + 16 + 24
            let headerLength = Int(bytes[start]) | Int(bytes[start + 1]) << 8
            let first = Array(bytes[start..<start + 4 + headerLength])
            let secondLength =
                Int(bytes[start + 4 + headerLength]) | Int(bytes[start + 5 + headerLength]) << 8
                | Int(bytes[start + 6 + headerLength]) << 16
            let second = Array(bytes[(start + 4 + headerLength)..<(start + 8 + headerLength + secondLength)])
            bytes.replaceSubrange(start..<(start + first.count + second.count), with: second + first)
            expected = .wrongPassphrase
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let target = try TemporaryDirectory()
        let folder = target.url.appendingPathComponent("restored")
        #expect(throws: JournalError.backup(expected)) {
            try Journal.restore(from: path, to: folder, passphrase: backupPassphrase)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("journal.sqlite").path))
    }

    @Test func aFileThatIsNotABackupIsSaidToBeSo() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("notes.txt")
        try Data("just some notes, not a backup at all".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: JournalError.backup(.notABackup)) {
            try Journal.restore(from: path, to: folder.url.appendingPathComponent("j"), passphrase: backupPassphrase)
        }
    }

    @Test func aBackupIsNeverOverwritten() async throws {
        let (walk, path, _) = try await backedUp()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: JournalError.backup(.exists(path: path))) {
            try walk.fixture.session.backup(
                to: path, passphrase: backupPassphrase, kdf: .testOnlyInteractive, now: fixedNow)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aBackupTakenWhileEntriesAreBeingRegisteredIsConsistent() throws {
        let fixture = try JournalFixture()
        let path = fixture.folder.path("busy.senim-backup")
        // A second session of the lead registers entries on another thread while the backup is taken.
        struct Other: @unchecked Sendable { let session: JournalSession }
        let other = Other(
            session: try fixture.journal.unlock(member: leadName, passphrase: Passphrase(leadPassphrase), now: fixedNow)
        )
        let writing = Thread {
            for index in 1...40 {
                _ = try? other.session.register(report: nil, phoneCall("Запись \(index)"), now: fixedNow)
            }
        }
        writing.start()
        try fixture.session.backup(to: path, passphrase: backupPassphrase, kdf: .testOnlyInteractive, now: fixedNow)
        while !writing.isFinished { usleep(10_000) }
        let target = try TemporaryDirectory()
        let restored = try Journal.restore(
            from: path, to: target.url.appendingPathComponent("j"), passphrase: backupPassphrase)
        #expect(restored.verification.failures == [])
        #expect(try fixture.journal.verify().failures == [])
    }
}
