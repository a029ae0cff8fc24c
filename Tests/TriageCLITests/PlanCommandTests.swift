import Foundation
import TestSupport
import Testing

@Suite struct PlanCommandTests {
    func addMeasure(_ journal: CLIJournal, kind: String) throws -> ProcessResult {
        try journal.run([
            "plan", "1", "--add-measure", "--kind", kind, "--responsible", "педагог-психолог",
            "--volume", "1 раз в неделю", "--term", "до 25.12.2026", "--indicator", "нет повторных обращений",
        ])
    }

    @Test func theSupportPlanPrintsInRussianWithItsMeasuresEscaped() throws {
        let journal = try CLIJournal()
        #expect(try addMeasure(journal, kind: "Сопровождение <script>alert(1)</script>").status == 0)
        let out = journal.folder.path("plan.html")
        let printed = try journal.run(["plan", "1", "--print", "--out", out], lang: "ru")
        #expect(printed.status == 0, "\(printed.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        let ru = try messageTable("ru")
        #expect(html.contains("<html lang=\"ru\">"))
        #expect(html.contains(try #require(ru["plan.title"])))
        #expect(html.contains(try #require(ru["plan.col_indicator"])))
        #expect(html.contains("нет повторных обращений"))
        #expect(html.contains("&lt;script&gt;") && !html.contains("<script>"))
        #expect(html.contains("size: A4"))
        #expect(try permissions(out) == 0o600)
        #expect(!html.contains(try #require(ru["plan.referral_title"])))
    }

    @Test func aHighRiskEntryPrintsItsReferralInKazakh() throws {
        let journal = try CLIJournal()
        let file = try journal.answersFile(#"{"vulnerability": {"8": "yes"}}"#)
        #expect(try journal.run(["assess", "1", "--answers", file, "--accept"]).status == 0)
        let referred = try journal.run([
            "plan", "1", "--add-referral", "--to", "ведомствоаралық топ", "--sent", "хабарлама, хаттама",
            "--on", "2026-11-23",
        ])
        #expect(referred.status == 0, "\(referred.stderr)")
        // The referral's day is shown as every date is: 23.11.2026, not 2026-11-23.
        #expect(referred.stdout.contains("(23.11.2026)"), "\(referred.stdout)")
        #expect(!referred.stdout.contains("2026-11-23"))
        let out = journal.folder.path("referral.html")
        #expect(try journal.run(["plan", "1", "--print", "--out", out], lang: "kk").status == 0)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains(try #require(try messageTable("kk")["plan.referral_title"])))
        #expect(html.contains("ведомствоаралық топ") && html.contains("23.11.2026"))
    }

    @Test func aMeasureWithoutEveryColumnIsAUsageError() throws {
        let journal = try CLIJournal()
        #expect(try journal.run(["plan", "1", "--add-measure", "--kind", "беседа"]).status == 64)
        #expect(try journal.run(["plan", "1", "--add-referral", "--to", "МВГ"]).status == 64)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["SENIM_SKIP_BROWSER"] != "1"))
    func chromiumPrintsThePlanOnA4() throws {
        let journal = try CLIJournal()
        #expect(try addMeasure(journal, kind: "Психологическое сопровождение").status == 0)
        let html = journal.folder.path("plan.html")
        #expect(try journal.run(["plan", "1", "--print", "--out", html], lang: "ru").status == 0)
        let pdf = Repository.artifacts.appendingPathComponent("plan-ru.pdf")
        try? FileManager.default.removeItem(at: pdf)
        let browser = try BrowserSetup.chromium()
        let result = try ProgramRunner.run(
            browser,
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                "--print-to-pdf=\(pdf.path)", URL(fileURLWithPath: html).absoluteString,
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try Data(contentsOf: pdf)
        #expect(bytes.starts(with: Data("%PDF".utf8)))
        // A4 is 595 × 842 points; US Letter (Chromium's default) would be 612 × 792.
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("MediaBox [0 0 594.95996 841.91998]") || text.contains("MediaBox [0 0 595"))
    }
}
