import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SQLite's own failures reach the lead as `senim: error:` and `hint:` in their language, and change nothing
/// (issue 13 §5).
@Suite struct StorageErrorTests {
    func sqlite(_ journal: CLIJournal, _ sql: String) throws {
        let result = try ProgramRunner.run("/usr/bin/sqlite3", [journal.path + "/journal.sqlite", sql])
        try #require(result.status == 0, "sqlite3: \(result.stderr)")
    }

    func events(_ journal: CLIJournal) throws -> String {
        try ProgramRunner.run(
            "/usr/bin/sqlite3", [journal.path + "/journal.sqlite", "SELECT COUNT(*) FROM event"]
        ).stdout
    }

    @Test(arguments: ["en", "kk", "ru"])
    func aDeletedUpgradeRecordIsRefusedBeforeAnyUpgradeRuns(lang: String) throws {
        let journal = try CLIJournal(entries: [])
        try sqlite(journal, "DELETE FROM grdb_migrations WHERE identifier = 'v1-journal';")
        let before = try ProgramRunner.run(
            "/usr/bin/sqlite3", [journal.path + "/journal.sqlite", ".dump"]
        ).stdout
        let refused = try journal.run(["journal", "list"], lang: lang)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == (try expectedError(
                    lang, "error.cannot_upgrade", hint: "hint.cannot_upgrade", ["reason": "missing: v1-journal"])))
        let after = try ProgramRunner.run("/usr/bin/sqlite3", [journal.path + "/journal.sqlite", ".dump"]).stdout
        #expect(after == before, "nothing was run on it")
    }

    @Test func aJournalHeldByAnotherProcessIsBusyNotARawSQLiteError() throws {
        let journal = try CLIJournal(entries: [])
        let before = try events(journal)
        // Another process holds the write lock for longer than senim waits (10 s), as a stuck second pull would.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = [
            "-c",
            """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(14)
            """,
            journal.path + "/journal.sqlite",
        ]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        defer { holder.terminate() }
        _ = output.fileHandleForReading.availableData  // "locked"
        let refused = try journal.run(["journal", "list"], lang: "ru")
        #expect(refused.status == 1)
        #expect(refused.stderr == (try expectedError("ru", "error.journal_busy", hint: "hint.journal_busy")))
        holder.terminate()
        holder.waitUntilExit()
        #expect(try events(journal) == before, "nothing was recorded")
        #expect(try journal.run(["journal", "list"]).status == 0, "and it works once the other is done")
    }

    #if os(Linux)
        @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
        func aBackupOntoAFullDiskSaysSoLeavesNoFileAndRecordsNoBackup() throws {
            let journal = try CLIJournal()
            let disk = journal.folder.path("tiny")
            try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
            let mounted = try ProgramRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk])
            try #require(mounted.status == 0, "\(mounted.stderr)")
            defer { _ = try? ProgramRunner.run("/bin/umount", ["-l", disk]) }
            let secret = try PassphraseFile("the backup's own long passphrase")
            let target = disk + "/journal.senim-backup"
            let before = try events(journal)
            let refused = try journal.run(["journal", "backup", target, "--backup-passphrase-file", secret.path])
            #expect(refused.status == 1)
            #expect(
                refused.stderr
                    == (try expectedError("en", "error.disk_full_at", hint: "hint.disk_full", ["path": target])))
            #expect(!FileManager.default.fileExists(atPath: target))
            let audit = try ProgramRunner.run(
                "/usr/bin/sqlite3",
                [journal.path + "/journal.sqlite", "SELECT COUNT(*) FROM event WHERE action = 'backup'"]
            ).stdout
            #expect(audit == "0\n", "no backup is in the log")
            // The unlock itself is an event; the backup is not.
            #expect(
                Int(try events(journal).trimmingCharacters(in: .whitespacesAndNewlines))! == Int(
                    before.trimmingCharacters(in: .whitespacesAndNewlines))! + 1)
        }
    #endif
}
