import Foundation
import TestSupport
import Testing

/// The director's review from the command line and at a terminal.
@Suite struct ReviewCommandTests {
    let journal: CLIJournal
    let directorSecret: PassphraseFile

    init() throws {
        journal = try CLIJournal(entries: [["--type", "bullying"], ["--type", "physical"]])
        directorSecret = try PassphraseFile("директордың өз құпия фразасы")
        let added = try journal.run([
            "members", "add", "Директор", "--role", "director", "--new-passphrase-file", directorSecret.path,
        ])
        try #require(added.status == 0, "\(added.stderr)")
    }

    func asDirector(_ arguments: [String], lang: String = "en") throws -> ProcessResult {
        try senim(
            arguments + ["--journal", journal.path, "--as", "Директор", "--passphrase-file", directorSecret.path],
            environment: ["SENIM_LANG": lang, "SENIM_NOW": "2026-11-23T05:00:00Z"])
    }

    @Test func signingOffShowsInTheEntryUntilItChanges() throws {
        let signed = try asDirector(["review", "sign", "1"])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.contains("Entry 2026/27-001 signed off."))
        let shown = try journal.run(["journal", "show", "1"])
        #expect(shown.stdout.contains("Директор · matches the entry"), "\(shown.stdout)")

        let file = try journal.answersFile(#"{"vulnerability": {"10": "yes"}}"#)
        #expect(try journal.run(["assess", "1", "--answers", file, "--accept"]).status == 0)
        let changed = try journal.run(["journal", "show", "1"], lang: "ru")
        #expect(changed.stdout.contains("Директор · УСТАРЕЛА: запись изменилась после подписи"), "\(changed.stdout)")

        let queue = try asDirector(["review", "list", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(queue.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["number"] as? String } == ["2026/27-001", "2026/27-002"], "high risk first")
        #expect(rows[0]["signOffCurrent"] as? Bool == false)
        #expect(rows[0]["waiting"] as? Bool == true)
    }

    @Test func theLeadCannotSignOff() throws {
        let result = try journal.run(["review", "sign", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("sign off"))
    }

    @Test(arguments: [("kk", "жазбаны бекіту"), ("ru", "утверждение записей")])
    func aRefusalSaysWhatWasRefusedInTheSessionsLanguage(lang: String, words: String) throws {
        let result = try journal.run(["review", "sign", "1"], lang: lang)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == (try expectedError(
                    lang, "error.not_allowed", hint: "hint.not_allowed", ["name": "lead", "action": words])))
        #expect(!result.stderr.contains("sign"), "no English verb in the sentence")
    }
}
