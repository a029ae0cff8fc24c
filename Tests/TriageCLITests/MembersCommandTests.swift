import Foundation
import TestSupport
import Testing

@Suite struct MembersCommandTests {
    @Test func aDirectorAddedByTheLeadReadsEntriesAndAnAuditorCannot() throws {
        let journal = try CLIJournal()
        let directorSecret = try PassphraseFile("директордың өз құпия фразасы")
        let added = try journal.run([
            "members", "add", "Айгерім", "--role", "director", "--new-passphrase-file", directorSecret.path,
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let shown = try senim([
            "journal", "show", "1", "--journal", journal.path, "--as", "Айгерім", "--passphrase-file",
            directorSecret.path,
        ])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Звонок мамы"))

        let auditorSecret = try PassphraseFile("the auditor's own passphrase")
        #expect(
            try journal.run([
                "members", "add", "Auditor", "--role", "auditor", "--new-passphrase-file", auditorSecret.path,
            ]).status == 0)
        let refused = try senim([
            "journal", "show", "1", "--journal", journal.path, "--as", "Auditor", "--passphrase-file",
            auditorSecret.path,
        ])
        #expect(refused.status == 1)
        #expect(!refused.stdout.contains("Звонок мамы"))

        let list = try journal.run(["members", "list", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["role"] as? String } == ["lead", "director", "auditor"])
        #expect(rows[1]["lastUnlockAt"] as? String != nil, "the director unlocked once")
        #expect(rows[2]["name"] as? String == "Auditor")
    }

    @Test func aSecondLeadOrAWeakPassphraseIsRefused() throws {
        let journal = try CLIJournal()
        let weak = try PassphraseFile("short")
        #expect(
            try journal.run(["members", "add", "X", "--role", "lead", "--new-passphrase-file", weak.path]).status == 64)
        let result = try journal.run(["members", "add", "X", "--role", "deputy", "--new-passphrase-file", weak.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("too short"))
    }
}
