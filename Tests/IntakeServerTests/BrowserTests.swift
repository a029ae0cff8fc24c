import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import NIOCore
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

/// The reporting form in a real browser: headless Chromium with JavaScript disabled, at a phone's width,
/// driven over W3C WebDriver by `chromedriver`. Screenshots go to `.build/test-artifacts/browser-*.png`.
///
/// Needs Chromium and its driver (`apt-get install -y chromium chromium-driver`); without them these tests
/// fail, unless `SENIM_SKIP_BROWSER=1` is set to skip them deliberately.
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(if: ProcessInfo.processInfo.environment["SENIM_SKIP_BROWSER"] != "1", "SENIM_SKIP_BROWSER=1 is set"))
struct RealBrowser {
    /// The Russian strings of the web pages.
    let ru: [String: String]

    init() throws {
        let url = Repository.web.appendingPathComponent("strings/ru.json")
        ru = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }

    private func string(_ key: String) throws -> String { try #require(ru[key], "ru.json has no \(key)") }

    @Test func russianReportSubmittedWithoutJavaScriptIsConfirmedAndSealed() async throws {
        let typed = "Меня дразнят в классе и пишут гадости в чате.\nЯ боюсь идти в школу."
        let spool = try SpoolDatabase.inMemory()
        try await withIntake(spool: spool) { port in
            try await withBrowser { browser in
                try await browser.navigate(to: "http://127.0.0.1:\(port)/?lang=ru")
                #expect(try await browser.title() == (try string("page_title")))
                #expect(try await browser.attribute(try await browser.element("html"), "lang") == "ru")
                #expect(try await browser.text(try await browser.element("h1")) == (try string("form_title")))
                try await expectFitsThePhone(
                    browser, ["header.top", "form", "#field-text", "form button[type=submit]"])
                try saveScreenshot(try await browser.screenshot(), "browser-form-ru.png")

                try await browser.click(try await browser.element("#reporter-student-self"))
                try await browser.click(try await browser.element("#what-bullying"))
                try await browser.click(try await browser.element("#danger-no"))
                try await browser.type(typed, into: try await browser.element("#field-text"))
                try await browser.type("7Б", into: try await browser.element("#field-class"))
                #expect(try await browser.isSelected(try await browser.element("#what-bullying")))
                let submit = try await browser.element("form button[type=submit]")
                #expect(try await browser.text(submit) == (try string("submit")))
                try await browser.click(submit)

                let heading = try await browser.waitFor("the confirmation page") {
                    let text = try await browser.text(try await browser.element("h1"))
                    return text == (try string("received_title")) ? text : nil
                }
                #expect(heading == (try string("received_title")))
                #expect(try await browser.currentURL().contains("/received/"))
                #expect(try await browser.title() == (try string("page_title")))
                #expect(try await browser.attribute(try await browser.element("html"), "lang") == "ru")
                #expect(try await browser.text(try await browser.element("p.lead")) == (try string("received_message")))
                // Not in danger: the confirmation does not lead with the emergency box.
                #expect(try await browser.elements(".danger").isEmpty)
                try saveScreenshot(try await browser.screenshot(), "browser-confirmation-ru.png")
            }
        }

        let entries = try spool.all()
        try #require(entries.count == 1)
        let report = try TestKeys.keyPair().open(Envelope(parsing: entries[0].envelope))
        #expect(report.text == typed)
        #expect(report.language == .ru)
        #expect(report.reporter == .studentSelf)
        #expect(report.what == [.bullying])
        #expect(report.inDanger == false)
        #expect(report.classOrGrade == "7Б")
        #expect(report.place == nil)
        #expect(report.names == nil)
        #expect(report.contact == nil)
    }

    @Test func emptyTextIsRefusedInRussianAndTheTickedBoxesStayTicked() async throws {
        let spool = try SpoolDatabase.inMemory()
        try await withIntake(spool: spool) { port in
            try await withBrowser { browser in
                try await browser.navigate(to: "http://127.0.0.1:\(port)/?lang=ru")
                let ticked = ["#reporter-student-self", "#what-bullying", "#what-cyberbullying", "#danger-no"]
                for selector in ticked { try await browser.click(try await browser.element(selector)) }
                try await browser.click(try await browser.element("form button[type=submit]"))

                let message = try await browser.waitFor("the text field's error") {
                    try await browser.elements("#text-error").isEmpty
                        ? nil : try await browser.text(try await browser.element("#text-error"))
                }
                #expect(message.contains(try string("error.required")))
                #expect(try await browser.title() == (try string("error_prefix")) + " " + (try string("page_title")))
                #expect(try await browser.attribute(try await browser.element("html"), "lang") == "ru")
                let summary = try await browser.text(try await browser.element(".summary"))
                #expect(summary.contains(try string("error_summary_heading")))
                #expect(summary.contains(try string("summary.text")))
                let field = try await browser.element("#field-text")
                #expect(try await browser.attribute(field, "aria-invalid") == "true")
                #expect(try await browser.property(field, "value") == "")

                for selector in ticked {
                    #expect(try await browser.isSelected(try await browser.element(selector)), "\(selector)")
                }
                for selector in ["#reporter-parent", "#what-physical", "#danger-yes"] {
                    #expect(try await browser.isSelected(try await browser.element(selector)) == false, "\(selector)")
                }
                // The field errors name only the text: everything else that was required was given.
                #expect(try await browser.elements("p.error").count == 1)
                try saveScreenshot(try await browser.screenshot(), "browser-error-ru.png")
            }
        }
        #expect(try spool.count() == 0)
    }

    /// Issue 16: whoever picks up the phone after a quick exit and presses Back must not see what the child
    /// typed, nor a "Confirm form resubmission" page, nor the confirmation.
    @Test func quickExitThenBackShowsNothingTheChildTyped() async throws {
        let typed = "Он бьёт меня после уроков"
        let spool = try SpoolDatabase.inMemory()
        try await withIntake(spool: spool) { port in
            try await withBrowser { browser in
                // Reached as a child reaches it, by a link from another page, not as the first page of the tab.
                try await browser.navigate(to: "http://127.0.0.1:\(port)/?lang=en")
                try await browser.click(try await browser.element("a[hreflang=ru]"))
                try await browser.click(try await browser.element("#what-physical"))
                try await browser.type(typed, into: try await browser.element("#field-text"))
                try await browser.type("7Б", into: try await browser.element("#field-class"))
                try await browser.click(try await browser.element("a.quick-exit"))
                _ = try await browser.waitFor("the exit page") {
                    try await browser.currentURL().hasSuffix("/exit") ? true : nil
                }
                try await browser.back()
                let field = try await browser.waitFor("the form again") {
                    try await browser.elements("#field-text").first
                }
                #expect(try await browser.property(field, "value") == "")
                #expect(try await browser.property(try await browser.element("#field-class"), "value") == "")
                #expect(try await browser.isSelected(try await browser.element("#what-physical")) == false)
                #expect(!(try await browser.source()).contains(typed))
            }
        }
        #expect(try spool.count() == 0)
    }

    @Test func backFromTheQuickExitAfterSendingShowsNeitherTheConfirmationNorAResubmission() async throws {
        let typed = "Меня дразнят в классе"
        let spool = try SpoolDatabase.inMemory()
        try await withIntake(spool: spool) { port in
            try await withBrowser { browser in
                try await browser.navigate(to: "http://127.0.0.1:\(port)/?lang=ru")
                try await browser.click(try await browser.element("#reporter-student-self"))
                try await browser.click(try await browser.element("#what-bullying"))
                try await browser.click(try await browser.element("#danger-no"))
                try await browser.type(typed, into: try await browser.element("#field-text"))
                try await browser.click(try await browser.element("form button[type=submit]"))
                _ = try await browser.waitFor("the confirmation page") {
                    try await browser.elements("p.lead").first
                }
                try await browser.click(try await browser.element("a.quick-exit"))
                _ = try await browser.waitFor("the exit page") {
                    try await browser.currentURL().hasSuffix("/exit") ? true : nil
                }
                try await browser.back()
                // Chromium's resubmission page is an error page at the report's URL: there is no form and no
                // confirmation, and its text says "resubmission"; the neutral page has the exit page's title.
                let title = try await browser.waitFor("the page behind the exit") {
                    let title = try await browser.title()
                    return title.isEmpty ? nil : title
                }
                let source = try await browser.source()
                let url = try await browser.currentURL()
                // The blank page speaks the browser's language (it has no other to go by).
                let blankTitles = try Set(Language.allCases.map { try WebText.raw("exit_title", $0) })
                #expect(blankTitles.contains(title), "\(url): \(source.prefix(600))")
                #expect(!source.contains(try string("received_title")))
                #expect(!source.lowercased().contains("resubmission"))
                #expect(!source.contains("ERR_CACHE_MISS"))
                try await browser.back()
                let field = try await browser.waitFor("the form behind it") {
                    try await browser.elements("#field-text").first
                }
                #expect(try await browser.property(field, "value") == "")
            }
        }
        #expect(try spool.count() == 1)
    }

    /// Issue 16: on the smallest phone in use (320×640) the first screen carries every emergency number, and the
    /// child reaches "tell us in your own words" within three screens, in every language, without losing a question.
    @Test(arguments: Language.allCases)
    func theFirstScreenOfASmallPhoneCarriesEveryEmergencyNumber(language: Language) async throws {
        let spool = try SpoolDatabase.inMemory()
        let (width, height) = (320.0, 640.0)
        try await withIntake(spool: spool) { port in
            try await withBrowser(width: width, height: height) { browser in
                try await browser.navigate(to: "http://127.0.0.1:\(port)/?lang=\(language.rawValue)")
                let numbers = try await browser.elements(".help a")
                #expect(numbers.count == 4)
                for number in numbers {
                    let rect = try await browser.rect(number)
                    let text = try await browser.text(number)
                    #expect(rect.y + rect.height <= height, "\(text) ends at \(rect.y + rect.height) px")
                    #expect(rect.x >= 0 && rect.x + rect.width <= width + 0.5, "\(text): \(rect)")
                }
                let text = try await browser.rect(try await browser.element("#field-text"))
                #expect(text.y <= 3 * height, "the text box starts at \(text.y) px, \(text.y / height) screens down")
                for question in ["#field-reporter", "#field-what", "#field-where", "#field-when", "#field-danger"] {
                    #expect(!(try await browser.elements(question)).isEmpty, "\(question)")
                }
                try saveScreenshot(
                    try await browser.screenshot(), "browser-first-screen-320-\(language.rawValue).png", width: width)
            }
        }
    }

    /// Issue 17: the child reads the code off the confirmation, types it into the check page and is told the report
    /// was received, all without JavaScript; the code is in no URL the browser visited.
    @Test(arguments: [Language.ru, Language.kk])
    func theCodeOnTheConfirmationOpensTheCheckPage(language: Language) async throws {
        let spool = try SpoolDatabase.inMemory()
        let table = try WebText.table(language)
        try await withIntake(spool: spool) { port in
            try await withBrowser { browser in
                try await browser.navigate(to: "http://127.0.0.1:\(port)/?lang=\(language.rawValue)")
                try await browser.click(try await browser.element("#reporter-student-self"))
                try await browser.click(try await browser.element("#what-bullying"))
                try await browser.click(try await browser.element("#danger-no"))
                try await browser.type("Меня дразнят", into: try await browser.element("#field-text"))
                try await browser.click(try await browser.element("form button[type=submit]"))
                let shown = try await browser.waitFor("the code") {
                    try await browser.elements(".receipt .code").first
                }
                // The groups wrap on a narrow screen: read as the child reads them, one space between groups.
                let code = try await browser.text(shown).split(whereSeparator: \.isWhitespace).joined(separator: " ")
                #expect(code.wholeMatch(of: #/([0-9]{4} ){6}[0-9]{4}/#) != nil, "\(code)")
                try saveScreenshot(try await browser.screenshot(), "browser-receipt-\(language.rawValue).png")
                var visited = [try await browser.currentURL()]
                try await browser.click(try await browser.element(".receipt a[href^='/check']"))
                let field = try await browser.waitFor("the check page") {
                    try await browser.elements("#field-code").first
                }
                #expect(try await browser.attribute(field, "inputmode") == "numeric")
                try await browser.type(code, into: field)
                visited.append(try await browser.currentURL())
                try await browser.click(try await browser.element("form button[type=submit]"))
                let state = try await browser.waitFor("what the check found") {
                    try await browser.elements(".status").first
                }
                #expect(try await browser.text(state).contains(try #require(table["state.received"])))
                visited.append(try await browser.currentURL())
                try saveScreenshot(try await browser.screenshot(), "browser-check-\(language.rawValue).png")
                let digits = code.replacingOccurrences(of: " ", with: "")
                for url in visited { #expect(!url.contains(digits) && !url.contains(code.prefix(4) + "%20"), "\(url)") }
            }
        }
        #expect(try spool.mailboxes().count == 1)
    }

    @Test func browserRunsWithJavaScriptDisabled() async throws {
        // The other tests prove the form works without JavaScript only if the browser really has it off.
        try await withBrowser { browser in
            try await browser.navigate(
                to: "data:text/html,<title>no script ran</title><script>document.title='script ran'</script>")
            #expect(try await browser.title() == "no script ran")
        }
    }

    /// Every element lies within the 360 CSS pixels of the screen: nothing scrolls sideways.
    private func expectFitsThePhone(_ browser: WebDriverSession, _ selectors: [String]) async throws {
        for selector in selectors {
            let rect = try await browser.rect(try await browser.element(selector))
            #expect(rect.x >= 0 && rect.x + rect.width <= BrowserSetup.width + 0.5, "\(selector): \(rect)")
        }
    }
}

// MARK: - Running the intake and the browser

/// Serves the real router, with the fixture public key, the repository's web folder and the real clock, on a
/// loopback port.
private func withIntake(spool: SpoolDatabase, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
    try await Intake.make(spool: spool, clock: .real).live(body)
}

/// Writes a screenshot where a person can look at it, after checking it is a phone-wide PNG.
private func saveScreenshot(_ png: Data, _ name: String, width expected: Double = BrowserSetup.width) throws {
    let bytes = [UInt8](png)
    try #require(bytes.count > 24 && Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
    #expect(Double(width) == expected, "\(name) is \(width) pixels wide")
    try png.write(to: Repository.artifacts.appendingPathComponent(name))
}
