import Foundation
import TestSupport
import Testing

/// `senim journal update`, `senim stats` in every format, signed exports and their merge.
@Suite struct StatsCommandTests {
    /// A journal with four bullying entries and one physical, all in the first quarter of 2026/27.
    func journal() throws -> CLIJournal {
        let journal = try CLIJournal(entries: [
            ["--type", "bullying", "--victims", "1"], ["--type", "bullying"], ["--type", "bullying"],
            ["--type", "bullying"], ["--type", "physical", "--witnesses", "2"],
        ])
        return journal
    }

    func stats(_ journal: CLIJournal, _ arguments: [String], lang: String = "en") throws -> ProcessResult {
        // SENIM_NOW in CLIJournal is 23 November 2026: the second quarter; the entries were registered then too.
        try journal.run(["stats", "--year", "2026/27", "--quarter", "2"] + arguments, lang: lang)
    }

    @Test func updatingAnEntryCountsTheStudentOnce() throws {
        let journal = try journal()
        for number in ["1", "2"] {
            let updated = try journal.run([
                "journal", "update", number, "--role", "victim", "--student", "S-017", "--fact", "high-risk",
            ])
            #expect(updated.status == 0, "\(updated.stderr)")
            #expect(updated.stdout.contains("S-017 · victim · placed in the high-risk group"))
        }
        let result = try stats(journal, ["--format", "json", "--suppress-below", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try journal.json(result.stdout)
        let indicators = try #require(object["indicators"] as? [[String: Any]])
        func total(_ n: Int) -> Int? { (indicators[n - 1]["total"] as? [String: Any])?["count"] as? Int }
        #expect(total(1) == 5)
        // S-017 in entries 1 and 2 is one victim; entries 3, 4 and 5 each count one victim nobody named.
        #expect(total(3) == 4)
        #expect(total(4) == 2)
        #expect(total(5) == 1)
        let shown = try journal.run(["journal", "show", "2"])
        #expect(shown.stdout.contains("Students (counted for item 36):"))
        #expect(shown.stdout.contains("\n  S-017 · victim · placed in the high-risk group"))
        let verify = try senim(["journal", "verify", "--journal", journal.path])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func theTableIsReadableInKazakhAndSmallCountsCanBeHidden() throws {
        let journal = try journal()
        let table = try stats(journal, [], lang: "kk")
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains(" 1. Оқушылар арасында тіркелген инциденттер саны: 5"))
        #expect(table.stdout.contains("буллинг / қудалау 4"))
        #expect(table.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })

        let csv = try stats(journal, ["--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("indicator,name,physical,psychological") == true)
        let incidents = try #require(lines.dropFirst().first?.split(separator: ",", omittingEmptySubsequences: false))
        #expect(incidents.last == "5")
        #expect(incidents[2] == "<3", "one physical incident is hidden by default outside the table")
        #expect(incidents[7] == "<3", "and bullying (4) with it, or 5 − 4 would give it away")
    }

    @Test func chromiumRendersTheRussianReportToAPNG() throws {
        let journal = try journal()
        let html = journal.folder.path("stats.html")
        let written = try stats(journal, ["--format", "html", "--out", html, "--school", "Школа № 7"], lang: "ru")
        #expect(written.status == 0, "\(written.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("Насилие в отношении учащихся: квартальные показатели"))
        #expect(page.contains("Школа № 7"))
        #expect(page.contains("<svg"))
        #expect(!page.contains("<script"))
        if ProcessInfo.processInfo.environment["SENIM_SKIP_BROWSER"] == "1" { return }
        let png = Repository.artifacts.appendingPathComponent("stats-ru.png")
        try? FileManager.default.removeItem(at: png)
        let browser = try BrowserSetup.chromium()
        let result = try ProgramRunner.run(
            browser,
            [
                "--headless=new", "--no-sandbox", "--disable-gpu",
                "--window-size=1280,1800", "--screenshot=\(png.path)", URL(fileURLWithPath: html).absoluteString,
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try Data(contentsOf: png)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(bytes.count > 20_000, "a rendered page, not a blank one")
        // (The page holds no script at all, checked above, so it renders the same with JavaScript off.)
    }

    @Test func exportsMergeAndATamperedOneIsRefused() throws {
        let first = try journal()
        let second = try journal()
        let a = first.folder.path("a.json")
        let b = second.folder.path("b.json")
        let exported = try stats(first, ["--export", a, "--school", "School A"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("Signed export written"))
        #expect(try stats(second, ["--export", b, "--school", "School B"]).status == 0)
        let exportText = try String(contentsOfFile: a, encoding: .utf8)
        #expect(!exportText.contains("Звонок мамы"))

        let merged = try senim(["stats", "merge", a, b, "--format", "json"])
        #expect(merged.status == 0, "\(merged.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as? [String: Any])
        #expect(object["schools"] as? [String] == ["School A", "School B"])
        let indicators = try #require(object["indicators"] as? [[String: Any]])
        #expect((indicators[0]["total"] as? [String: Any])?["count"] as? Int == 10)
        #expect(merged.stderr.contains("signature valid"))

        let forged = first.folder.path("forged.json")
        try Data(exportText.replacingOccurrences(of: "\"total\" : 5", with: "\"total\" : 50").utf8)
            .write(to: URL(fileURLWithPath: forged))
        let refused = try senim(["stats", "merge", forged, b])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the signature does not match"))

        let list = first.folder.path("trusted.txt")
        try Data("0000-0000-0000-0000\n".utf8).write(to: URL(fileURLWithPath: list))
        let untrusted = try senim(["stats", "merge", a, "--trusted-keys", list])
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("not on the list"))
    }
}
