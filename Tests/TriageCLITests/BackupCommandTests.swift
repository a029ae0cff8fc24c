import Foundation
import TestSupport
import Testing

@Suite struct BackupCommandTests {
    @Test func aBackupRestoresIntoAJournalThatVerifiesAndOpens() throws {
        let journal = try CLIJournal()
        let secret = try PassphraseFile("the backup's own long passphrase")
        let file = journal.folder.path("journal.senim-backup")
        let made = try journal.run(["journal", "backup", file, "--backup-passphrase-file", secret.path])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("Backup written: \(file)"))

        let again = try journal.run(["journal", "backup", file, "--backup-passphrase-file", secret.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("exists already"))

        let target = journal.folder.path("restored")
        let restored = try senim([
            "journal", "restore", file, "--journal", target, "--backup-passphrase-file", secret.path,
        ])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(restored.stdout.contains("✓ The journal is intact"))
        #expect(restored.stdout.contains("The log reaches exactly the head the backup recorded"))
        let shown = try senim([
            "journal", "show", "1", "--journal", target, "--as", "lead", "--passphrase-file", journal.secret.path,
        ])
        #expect(shown.stdout.contains("Звонок мамы"))
        #expect(FileManager.default.fileExists(atPath: target + "/safety-service.pub"))
    }

    @Test func aWrongBackupPassphraseSaysSoInRussianAndRestoresNothing() throws {
        let journal = try CLIJournal()
        let secret = try PassphraseFile("the backup's own long passphrase")
        let wrong = try PassphraseFile("some other long passphrase")
        let file = journal.folder.path("journal.senim-backup")
        #expect(try journal.run(["journal", "backup", file, "--backup-passphrase-file", secret.path]).status == 0)
        let target = journal.folder.path("restored")
        let result = try senim(
            ["journal", "restore", file, "--journal", target, "--backup-passphrase-file", wrong.path],
            environment: ["SENIM_LANG": "ru"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("неверная парольная фраза"))
        #expect(!FileManager.default.fileExists(atPath: target + "/journal.sqlite"))
    }
}
