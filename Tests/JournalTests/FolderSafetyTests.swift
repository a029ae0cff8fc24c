import Foundation
import Journal
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

/// The files `senim init` and `journal restore` write go where they are named, never through a symbolic link
/// planted at their path, in a folder for the owner alone (issue 13 §5).
@Suite struct FolderSafetyTests {
    let passphrase = Passphrase(leadPassphrase)

    func isLink(_ path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    }

    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func aLinkPlantedAtAPublicKeyPathIsReplacedNotWrittenThrough() throws {
        let place = try TemporaryDirectory()
        let folder = place.url.appendingPathComponent("journal")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let target = place.path("elsewhere.txt")
        try Data("someone else's file\n".utf8).write(to: URL(fileURLWithPath: target))
        let planted = folder.appendingPathComponent("safety-service.pub").path
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: target)

        let created = try Journal.create(
            directory: folder, leadName: leadName, passphrase: passphrase, kdf: .testOnlyInteractive, now: fixedNow)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "someone else's file\n")
        #expect(!isLink(planted))
        let written = try SealingPublicKey(contentsOf: URL(fileURLWithPath: created.servicePublicKeyPath))
        #expect(written.keyID == created.keyID)
    }

    @Test func aJournalFolderThatOthersCouldReadIsClosedToThem() throws {
        let place = try TemporaryDirectory()
        let folder = place.url.appendingPathComponent("journal")
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        _ = try Journal.create(
            directory: folder, leadName: leadName, passphrase: passphrase, kdf: .testOnlyInteractive, now: fixedNow)
        #expect(try mode(folder.path) == 0o700)
        let fresh = place.url.appendingPathComponent("new/journal")
        _ = try Journal.create(
            directory: fresh, leadName: leadName, passphrase: passphrase, kdf: .testOnlyInteractive, now: fixedNow)
        #expect(try mode(fresh.path) == 0o700)
    }

    @Test func aJournalFolderThatIsALinkIsRefused() throws {
        let place = try TemporaryDirectory()
        let real = place.url.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: false)
        let link = place.url.appendingPathComponent("journal")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        #expect(throws: JournalError.unsafeFolder(path: link.path)) {
            try Journal.create(
                directory: link, leadName: leadName, passphrase: passphrase, kdf: .testOnlyInteractive, now: fixedNow)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: real.path) == [])
    }

    @Test func restoringReplacesLinksPlantedAtTheCalendarAndTheKeys() async throws {
        let walk = try await Walkthrough()
        let calendar = "2026-12-16 holiday\n"
        try Data(calendar.utf8).write(to: walk.fixture.directory.appendingPathComponent("calendar.txt"))
        let backup = walk.fixture.folder.path("journal.senim-backup")
        let backupPassphrase = Passphrase("TEST ONLY backup passphrase")
        _ = try walk.fixture.session.backup(
            to: backup, passphrase: backupPassphrase, kdf: .testOnlyInteractive, now: date("2026-11-23T10:00:00Z"))

        let place = try TemporaryDirectory()
        let folder = place.url.appendingPathComponent("restored")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let target = place.path("elsewhere.txt")
        try Data("someone else's file\n".utf8).write(to: URL(fileURLWithPath: target))
        for name in ["calendar.txt", "safety-service.pub", "collector.pub"] {
            try FileManager.default.createSymbolicLink(
                atPath: folder.appendingPathComponent(name).path, withDestinationPath: target)
        }
        let restored = try Journal.restore(from: backup, to: folder, passphrase: backupPassphrase)
        #expect(restored.verification.isIntact)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "someone else's file\n")
        for name in ["calendar.txt", "safety-service.pub", "collector.pub"] {
            #expect(!isLink(folder.appendingPathComponent(name).path), "\(name)")
        }
        #expect(try String(contentsOf: folder.appendingPathComponent("calendar.txt"), encoding: .utf8) == calendar)
    }
}
