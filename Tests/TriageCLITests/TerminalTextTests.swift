import Foundation
import ReportFormat
import Spool
import TestSupport
import Testing

@testable import TriageCLI

/// Text from a report or the network is shown on the lead's terminal, never obeyed (issue 13).
@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("\u{1B}[2J", "\\u001B[2J"), ("\u{9B}8m", "\\u009B8m"), ("\u{1B}]0;title\u{7}", "\\u001B]0;title\\u0007"),
        ("a\u{202E}cba", "a\\u202Ecba"), ("\u{2066}x\u{2069}", "\\u2066x\\u2069"), ("\u{7F}", "\\u007F"),
        ("\r", "\\u000D"), ("\u{FEFF}", "\\uFEFF"),
    ])
    func controlsAreShownVisibly(raw: String, shown: String) {
        #expect(TerminalText.safe(raw) == shown)
    }

    @Test func ordinaryTextIsUnchanged() {
        let text = "Мені мазақ етеді.\n\tҚазақша: әөүұқғңһі. Русский: ёй. A\u{A0}b ✓ 😀"
        #expect(TerminalText.safe(text) == text)
    }

    /// JSON output keeps its meaning: the visible form is the JSON escape of the same character.
    @Test func escapedJSONDecodesToTheSameText() throws {
        let original = ["words": "knife\u{9B}8m hidden \u{202E}"]
        let encoded = String(decoding: try JSONEncoder().encode(original), as: UTF8.self)
        let safe = TerminalText.safe(encoded)
        #expect(!safe.unicodeScalars.contains { TerminalText.isUnsafe($0) })
        #expect(try JSONDecoder().decode([String: String].self, from: Data(safe.utf8)) == original)
    }

    /// A spool written by someone else (a compromised intake host) holds a report with escape sequences and one
    /// with bidi overrides: the first is unreadable (it breaks FORMAT.md), the second is shown with its overrides
    /// visible, and `inbox`, `show` and `--json` print nothing raw.
    @Test func aHostileReportReachesTheTerminalEscaped() async throws {
        let fixture = try CLIJournal(entries: [])
        let (journal, secret) = (fixture.path, fixture.secret)
        func report(_ text: String, day: String) -> Report {
            sampleReport(
                text, language: .en, hour: "\(day)T04:00:00Z", reporter: .studentSelf, what: [.physical],
                timing: .today, classOrGrade: "6")
        }
        let escapes = "someone has a knife\u{1B}[8m\u{9B}2J\u{1B}]0;ok\u{7} hidden"
        let bidi = "someone has a knife \u{202E}nedduh\u{202C} \u{2066}x\u{2069}"
        let pulled = try await fixture.pull([report(escapes, day: "2026-11-19"), report(bidi, day: "2026-11-20")])
        try #require(pulled.status == 0, "\(pulled.stderr)")
        #expect(pulled.stdout.contains("unreadable: 1"), "\(pulled.stdout)")

        let unlock = ["--journal", journal, "--passphrase-file", secret.path]
        let inbox = try senim(["inbox"] + unlock)
        let listed = try #require(
            try JSONSerialization.jsonObject(with: Data(try senim(["inbox", "--json"] + unlock).stdout.utf8))
                as? [[String: Any]])
        let readable = try #require(listed.first { $0["firstLine"] is String }?["id"] as? String)
        let shown = try senim(["show", readable] + unlock)
        let json = try senim(["show", readable, "--json"] + unlock)
        for run in [inbox, shown, json] {
            #expect(run.status == 0, "\(run.stderr)")
            let raw = run.stdout.unicodeScalars.filter { TerminalText.isUnsafe($0) }
            #expect(raw.isEmpty, "raw controls on the terminal: \(raw.map { String($0.value, radix: 16) })")
        }
        #expect(inbox.stdout.contains("breaksFormat"), "\(inbox.stdout)")
        #expect(shown.stdout.contains("knife \\u202Enedduh\\u202C \\u2066x\\u2069"), "\(shown.stdout)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(decoded["text"] as? String == bidi, "--json keeps the words as they came")
    }
}
