import Foundation
import TestSupport
import Testing

/// Wrong passphrases are counted and shown to whoever unlocks next, and kept in the audit (issue 13 §5).
@Suite struct FailedUnlockCommandTests {
    @Test func guessingShowsAtTheNextUnlockAndInTheAuditOnce() throws {
        let journal = try CLIJournal(entries: [])
        let wrong = try PassphraseFile("not the lead's passphrase at all")
        // 20:00 UTC is already the next day in Almaty: the count keeps the school's day, nothing finer.
        let evening = ["SENIM_NOW": "2026-11-23T20:00:00Z"]
        for _ in 0..<2 {
            let refused = try senim(
                ["audit", "--journal", journal.path, "--as", "lead", "--passphrase-file", wrong.path],
                environment: evening)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("senim: error:"), "\(refused.stderr)")
        }
        let counts = journal.folder.path("journal/failed-unlocks.txt")
        #expect(try permissions(counts) == 0o600)
        #expect(!(try String(contentsOfFile: counts, encoding: .utf8)).contains(":"), "a day, never a time")

        let next = try journal.run(["audit"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("the passphrase of lead was typed wrong 2 times on 2026-11-24"), "\(next.stderr)")
        #expect(next.stderr.contains("tell the director"))
        #expect(next.stdout.contains("recorded wrong passphrases · lead: 2 wrong passphrases on 2026-11-24"))
        #expect(!FileManager.default.fileExists(atPath: counts))

        let after = try journal.run(["audit"], lang: "ru")
        #expect(!after.stderr.contains("неверно"), "told once")
        #expect(after.stdout.contains("lead: неверный пароль 2 раз(а) 2026-11-24"), "and kept in the audit")
        #expect(try senim(["journal", "verify", "--journal", journal.path]).status == 0)
    }
}
