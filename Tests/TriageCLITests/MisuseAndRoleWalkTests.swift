import Foundation
import TestSupport
import Testing

/// Every command run by a member whose role may not run it is refused in that member's language, naming who and
/// what, before anything changes (issue 16): never a library's "The operation could not be completed".
@Suite(.serialized) struct RoleWalk {
    let journal: CLIJournal
    let secrets: [String: PassphraseFile]

    init() throws {
        journal = try CLIJournal()
        var secrets: [String: PassphraseFile] = [:]
        for (name, role) in [("Director", "director"), ("Auditor", "auditor"), ("Psychologist", "specialist")] {
            let secret = try PassphraseFile("\(name)'s own passphrase")
            let added = try journal.run(["members", "add", name, "--role", role, "--new-passphrase-file", secret.path])
            try #require(added.status == 0, "\(added.stderr)")
            secrets[name] = secret
        }
        self.secrets = secrets
    }

    func run(as name: String, _ arguments: [String], lang: String) throws -> ProcessResult {
        try senim(
            arguments + ["--journal", journal.path, "--as", name, "--passphrase-file", secrets[name]!.path],
            environment: ["SENIM_NOW": "2026-11-23T05:00:00Z", "SENIM_LANG": lang])
    }

    /// Who may not, what they tried, and the words of the action they are told they may not do.
    static let refusals: [(member: String, arguments: [String], action: String)] = [
        ("Director", ["pull", "--from", "http://127.0.0.1:9"], "pull"),
        ("Auditor", ["pull", "--spool", "/nonexistent/spool.sqlite"], "pull"),
        ("Psychologist", ["pull", "--from", "http://127.0.0.1:9"], "pull"),
        ("Auditor", ["inbox"], "inbox"),
        ("Psychologist", ["inbox"], "inbox"),
        (
            "Auditor",
            [
                "register", "--channel", "phone", "--reporter-role", "parent", "--text", "x", "--type", "bullying",
                "--no-input",
            ], "register"
        ),
        (
            "Director",
            [
                "register", "--channel", "phone", "--reporter-role", "parent", "--text", "x", "--type", "bullying",
                "--no-input",
            ], "register"
        ),
        ("Auditor", ["show", "0123abcd"], "show"),
        ("Director", ["members", "add", "Someone", "--role", "deputy"], "addMembers"),
        ("Psychologist", ["members", "add", "Someone", "--role", "deputy"], "addMembers"),
        ("Director", ["members", "remove", "Auditor"], "removeMembers"),
        ("Psychologist", ["audit"], "audit"),
        ("Psychologist", ["journal", "backup", "/nonexistent/b.senimbackup"], "backup"),
        ("Auditor", ["review", "comment", "1", "--text", "x"], "comment"),
        ("Auditor", ["journal", "update", "1", "--staff-dismissed", "1"], "updateEntries"),
        ("Auditor", ["plan", "1", "--add-referral", "--to", "police", "--sent", "2026-11-23"], "plan"),
        ("Director", ["plan", "1", "--add-referral", "--to", "police", "--sent", "2026-11-23"], "plan"),
        ("Auditor", ["assess", "1"], "assess"),
        ("Director", ["assess", "1"], "assess"),
        ("Auditor", ["journal", "assign", "1", "Psychologist"], "assign"),
        ("Psychologist", ["journal", "restrict", "1", "--to", "lead", "--reason", "x"], "restrict"),
        ("Auditor", ["steps", "1", "--done", "primary-information"], "recordStep"),
        ("Auditor", ["review", "sign", "1"], "signOff"),
        ("Psychologist", ["review", "sign", "1"], "signOff"),
    ]

    @Test(arguments: ["en", "ru", "kk"])
    func everyCommandARoleMayNotRunIsRefusedInTheMembersLanguage(lang: String) async throws {
        let table = try messageTable(lang)
        let before = try journal.run(["journal", "list", "--json"])
        // Some seventy unlocks, each a child process waited for: on a thread of their own, not the test pool's.
        let results = try await offThePool { [self] in
            try Self.refusals.map { try run(as: $0.member, $0.arguments, lang: lang) }
        }
        for (refusal, result) in zip(Self.refusals, results) {
            let label = "\(refusal.member): senim \(refusal.arguments.joined(separator: " "))"
            #expect(result.status == 1, "\(label): \(result.stderr)")
            let action = try #require(table["action.\(refusal.action)"])
            #expect(
                result.stderr
                    == (try expectedError(
                        lang, "error.not_allowed", hint: "hint.not_allowed",
                        ["name": refusal.member, "action": action])),
                "\(label): \(result.stderr)")
            #expect(!result.stderr.contains("could not be completed"), "\(label)")
            #expect(result.stdout.isEmpty, "\(label): \(result.stdout)")
        }
        // An auditor holds no entry's key: asked to open one, they are told so, not that their role may not.
        let closed = try await offThePool { [self] in try run(as: "Auditor", ["journal", "show", "1"], lang: lang) }
        #expect(closed.status == 1)
        #expect(
            closed.stderr
                == (try expectedError(
                    lang, "error.no_key_for_entry", hint: "hint.no_key_for_entry", ["number": "2026/27-001"])),
            "\(closed.stderr)")
        // Nothing changed but the log of who unlocked: the entries are as they were, and the journal verifies.
        let after = try journal.run(["journal", "list", "--json"])
        #expect(before.status == 0 && after.stdout == before.stdout)
        #expect(try journal.run(["journal", "verify"]).status == 0)
    }
}

/// A command line that cannot run is answered in the `senim: error:` / `hint:` form, in the language asked for,
/// with exit status 64, never ArgumentParser's bare `Error:` and usage dump (issue 16).
@Suite struct Misuse {
    static let lines: [(arguments: [String], key: String, values: [String: String])] = [
        (["steps"], "error.usage.missing_argument", ["command": "senim steps", "name": "<number>"]),
        (["stepz"], "error.usage.unknown_command", ["name": "stepz"]),
        (
            ["review", "session", "--bogus"], "error.usage.unknown_option",
            ["command": "senim review session", "name": "--bogus"]
        ),
        (["steps", "1", "--done"], "error.usage.missing_value", ["name": "--done"]),
        (["stats", "report", "--quarter", "x"], "error.usage.invalid_value", ["value": "x", "name": "--quarter"]),
        (["due", "extra", "words"], "error.usage.unexpected", ["command": "senim due", "name": "extra"]),
    ]

    @Test(arguments: ["en", "ru", "kk"])
    func aCommandLineThatCannotRunIsToldInTheErrorAndHintForm(lang: String) async throws {
        let table = try messageTable(lang)
        let results = try await offThePool { try Self.lines.map { try senim($0.arguments + ["--lang", lang]) } }
        for (line, result) in zip(Self.lines, results) {
            let label = "senim \(line.arguments.joined(separator: " "))"
            #expect(result.status == 64, "\(label): \(result.stderr)")
            var message = try #require(table[line.key])
            for (name, value) in line.values { message = message.replacingOccurrences(of: "{\(name)}", with: value) }
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.first == "senim: error: \(message)", "\(label): \(result.stderr)")
            #expect(lines.count == 2 && lines[1].hasPrefix("hint: "), "\(label): \(result.stderr)")
            #expect(!result.stderr.contains("Error:") && !result.stderr.contains("Usage:"), "\(label)")
        }
    }

    @Test func aCommandsOwnCheckIsInTheLanguageAskedFor() throws {
        let result = try senim(["steps", "1", "--done", "police", "--not-applicable", "police", "--lang", "ru"])
        #expect(result.status == 64)
        let table = try messageTable("ru")
        let reason = try #require(table["usage.not_both"])
            .replacingOccurrences(of: "{first}", with: "--done").replacingOccurrences(
                of: "{second}", with: "--not-applicable")
        let expected = try #require(table["error.usage.other"])
            .replacingOccurrences(of: "{command}", with: "senim steps").replacingOccurrences(
                of: "{reason}", with: reason)
        #expect(result.stderr.hasPrefix("senim: error: \(expected)\nhint: "), "\(result.stderr)")
    }

    @Test func anAddressWithoutHTTPIsToldWhatToWrite() throws {
        let journal = try CLIJournal(entries: [])
        let result = try journal.run(["pull", "--from", "127.0.0.1:19380"], lang: "ru")
        #expect(result.status == 64)
        #expect(
            result.stderr
                == (try expectedError("ru", "error.from_url", hint: "hint.from_url", ["value": "127.0.0.1:19380"])))
    }
}
