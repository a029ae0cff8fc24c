import Foundation
import TestSupport
import Testing

/// Restricting, assigning and removing members from the command line.
@Suite struct AccessCommandTests {
    let journal: CLIJournal
    let deputySecret: PassphraseFile
    let directorSecret: PassphraseFile

    init() throws {
        journal = try CLIJournal()
        deputySecret = try PassphraseFile("the deputy's own passphrase")
        directorSecret = try PassphraseFile("the director's own passphrase")
        for (name, role, secret) in [("Deputy", "deputy", deputySecret), ("Director", "director", directorSecret)] {
            let added = try journal.run(["members", "add", name, "--role", role, "--new-passphrase-file", secret.path])
            try #require(added.status == 0, "\(added.stderr)")
        }
    }

    func run(as name: String, _ secret: PassphraseFile, _ arguments: [String]) throws -> ProcessResult {
        try senim(
            arguments + ["--journal", journal.path, "--as", name, "--passphrase-file", secret.path],
            environment: ["SENIM_NOW": "2026-11-23T05:00:00Z"])
    }

    @Test func theDeputyRegistersAnEntryTheLeadCannotOpen() throws {
        let registered = try run(
            as: "Deputy", deputySecret,
            [
                "register", "--channel", "phone", "--reporter-role", "student-self", "--type", "psychological",
                "--text", "Руководитель службы унижает меня", "--restrict-to", "Director",
                "--restrict-reason", "the alleged aggressor is the lead", "--no-input",
            ])
        #expect(registered.status == 0, "\(registered.stderr)")
        let refused = try journal.run(["journal", "show", "2"])
        #expect(refused.status == 1)
        #expect(!refused.stdout.contains("унижает"))
        let shown = try run(as: "Director", directorSecret, ["journal", "show", "2"])
        #expect(shown.stdout.contains("Restricted to: Deputy, Director — the alleged aggressor is the lead"))
        #expect(shown.stdout.contains("Руководитель службы унижает меня"))
        #expect(try senim(["journal", "verify", "--journal", journal.path]).status == 0)
    }

    @Test func restrictingWithoutAReasonIsAUsageError() throws {
        let result = try run(
            as: "Deputy", deputySecret,
            [
                "register", "--channel", "phone", "--type", "bullying", "--text", "x", "--restrict-to", "Director",
                "--no-input",
            ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--restrict-to needs --restrict-reason"))
    }

    @Test func theDirectorRestrictsAnExistingEntryAwayFromTheLead() throws {
        let result = try run(
            as: "Director", directorSecret,
            ["journal", "restrict", "1", "--to", "Deputy", "--reason", "conflict of interest"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Entry 2026/27-001 is now for Director, Deputy only."))
        #expect(try journal.run(["journal", "show", "1"]).status == 1)
        #expect(try run(as: "Deputy", deputySecret, ["journal", "show", "1"]).stdout.contains("Звонок мамы"))
    }

    @Test func removingTheDeputyRotatesTheSealingKeyAndSaysWhatToCopy() throws {
        let before = try String(contentsOfFile: journal.path + "/safety-service.pub", encoding: .utf8)
        let result = try journal.run(["members", "remove", "Deputy", "--yes"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Deputy was removed"))
        #expect(result.stdout.contains("Copy safety-service.pub and collector.pub"))
        #expect(result.stdout.contains("What Deputy already read cannot be taken back."))
        let after = try String(contentsOfFile: journal.path + "/safety-service.pub", encoding: .utf8)
        #expect(after != before)
        let refused = try run(as: "Deputy", deputySecret, ["journal", "list"])
        #expect(refused.status == 1)
        let list = try journal.run(["members", "list", "--json"])
        #expect(!list.stdout.contains("Deputy"))
        let verified = try senim(["journal", "verify", "--journal", journal.path])
        #expect(verified.status == 0, "\(verified.stdout)")
    }

    @Test func aSpecialistGetsOneEntry() throws {
        let secret = try PassphraseFile("the psychologist's own passphrase")
        #expect(
            try journal.run([
                "members", "add", "Psychologist", "--role", "specialist", "--new-passphrase-file", secret.path,
            ])
            .status == 0)
        #expect(try run(as: "Psychologist", secret, ["journal", "show", "1"]).status == 1)
        let assigned = try journal.run(["journal", "assign", "1", "Psychologist"])
        #expect(assigned.stdout.contains("Psychologist now holds the key to entry 2026/27-001."))
        #expect(try run(as: "Psychologist", secret, ["journal", "show", "1"]).stdout.contains("Звонок мамы"))
    }

    @Test(arguments: ["--from", "--spool"])
    func aRoleThatMayNotCollectIsToldSoBeforeAnythingIsSent(source: String) throws {
        let target = source == "--from" ? "http://127.0.0.1:9" : journal.folder.path("spool.sqlite")
        let refused = try run(as: "Director", directorSecret, ["pull", source, target])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == (try expectedError(
                    "en", "error.not_allowed", hint: "hint.not_allowed",
                    ["name": "Director", "action": "collect reports"])))
    }
}
