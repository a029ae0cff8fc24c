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
                #expect(try await browser.currentURL().contains("/report"))
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
                #expect(summary.contains(try string("error.required")))
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

/// Serves the real router, with the fixture public key and the repository's web folder, on a loopback port.
private func withIntake(spool: SpoolDatabase, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
    var configuration = IntakeConfiguration()
    configuration.publicKeyPath = TestKeys.publicKeyURL.path
    configuration.webDirectory = Repository.web.path
    let services = try await IntakeServices(configuration: configuration, spool: spool)
    let app = Application(
        router: buildRouter(services), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in
        let port = try #require(client.port)
        try await body(port)
    }
}

/// Starts `chromedriver` and a browser session, runs `body`, then always ends both.
private func withBrowser(_ body: (WebDriverSession) async throws -> Void) async throws {
    let tools = try BrowserSetup.locateTools()
    let driver = try ChromeDriver(executable: tools.chromedriver)
    do {
        try await driver.waitUntilReady()
        let session = try await WebDriverSession.create(
            driver: driver.base, capabilities: BrowserSetup.capabilities(tools))
        do {
            try await body(session)
        } catch {
            await session.end()
            throw error
        }
        await session.end()
    } catch {
        await driver.stop()
        throw error
    }
    await driver.stop()
}

/// Writes a screenshot where a person can look at it, after checking it is a phone-wide PNG.
private func saveScreenshot(_ png: Data, _ name: String) throws {
    let bytes = [UInt8](png)
    try #require(bytes.count > 24 && Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
    #expect(Double(width) == BrowserSetup.width, "\(name) is \(width) pixels wide")
    try png.write(to: Repository.artifacts.appendingPathComponent(name))
}

/// Where the browser tools are and how the browser is set up.
private enum BrowserSetup {
    /// The phone screen, in CSS pixels.
    static let width = 360.0
    static let height = 740.0
    /// Generous: starting Chromium on two busy cores can take several seconds.
    static let timeout: TimeInterval = 90

    struct Tools {
        let chromium: String
        let chromedriver: String
    }

    static func locateTools() throws -> Tools {
        let chromium = find(["chromium", "chromium-browser"])
        let chromedriver = find(["chromedriver"])
        guard let chromium, let chromedriver else {
            let missing = [chromium == nil ? "chromium" : nil, chromedriver == nil ? "chromedriver" : nil]
            throw BrowserTestError(
                "\(missing.compactMap { $0 }.joined(separator: " and ")) not found: install them with "
                    + "`apt-get install -y chromium chromium-driver`, or set SENIM_SKIP_BROWSER=1 to skip the "
                    + "browser tests")
        }
        return Tools(chromium: chromium, chromedriver: chromedriver)
    }

    private static func find(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        let folders = ["/usr/bin"] + path.split(separator: ":").map(String.init)
        for name in names {
            for folder in folders {
                let candidate = URL(fileURLWithPath: folder).appendingPathComponent(name).path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// JavaScript off by the content-settings preference. Chromium's headless window is never narrower than
    /// 500 pixels, so the 360×740 phone screen is set by device-metrics emulation as well as the window size.
    static func capabilities(_ tools: Tools) -> [String: Any] {
        [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": tools.chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=360,740",
                            "--disable-dev-shm-usage",
                        ],
                        "mobileEmulation": [
                            "deviceMetrics": [
                                "width": Int(width), "height": Int(height), "pixelRatio": 1, "touch": false,
                            ]
                        ],
                        "prefs": ["profile.managed_default_content_settings.javascript": 2],
                    ] as [String: Any],
                ] as [String: Any]
            ] as [String: Any]
        ]
    }
}

private struct BrowserTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `chromedriver` as a child process on a free loopback port.
private final class ChromeDriver: @unchecked Sendable {
    let base: URL
    private let process = Process()

    init(executable: String) throws {
        let port = try LoopbackHTTP.freePort()
        base = URL(string: "http://127.0.0.1:\(port)")!
        process.executableURL = URL(fileURLWithPath: executable)
        let log = Repository.artifacts.appendingPathComponent("chromedriver.log").path
        process.arguments = ["--port=\(port)", "--log-path=\(log)"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until `GET /status` says the driver is ready for a session.
    func waitUntilReady() async throws {
        let deadline = Date().addingTimeInterval(BrowserSetup.timeout)
        var lastProblem = "no answer"
        while Date() < deadline {
            guard process.isRunning else {
                throw BrowserTestError("chromedriver exited with status \(process.terminationStatus)")
            }
            do {
                let value = try await WebDriverHTTP.send(.get, base, "/status")
                if (value as? [String: Any])?["ready"] as? Bool == true { return }
                lastProblem = "\(value)"
            } catch {
                lastProblem = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BrowserTestError("chromedriver was not ready after \(Int(BrowserSetup.timeout)) s: \(lastProblem)")
    }

    /// Asks the driver to shut down, and kills it if it has not gone within a few seconds.
    func stop() async {
        guard process.isRunning else { return }
        _ = try? await WebDriverHTTP.send(.get, base, "/shutdown")
        for signal in [SIGTERM, SIGKILL] {
            for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
            guard process.isRunning else { return }
            kill(process.processIdentifier, signal)
        }
    }
}

/// JSON over HTTP/1.1 to the driver. Not URLSession: on Linux its libcurl backend cannot read ChromeDriver's
/// responses ("Failed writing header", swift-corelibs-foundation issue 4965), so this uses NIO through
/// HummingbirdTesting's client, one connection per command.
private enum WebDriverHTTP {
    static func send(
        _ method: HTTPRequest.Method, _ base: URL, _ path: String, _ body: [String: Any]? = nil
    ) async throws -> Any {
        let host = base.host ?? "127.0.0.1"
        let port = base.port ?? 80
        var headers: HTTPFields = [:]
        var buffer: ByteBuffer?
        if let body {
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
            headers[.contentType] = "application/json; charset=utf-8"
        }
        let request = TestClient.Request(
            path, method: method, authority: "\(host):\(port)", headers: headers, body: buffer)
        let response = try await TestClient.withClient(
            host: host, port: port, configuration: .init(timeout: .seconds(BrowserSetup.timeout))
        ) { client in try await client.execute(request) }
        let data = response.body.map { Data($0.readableBytesView) } ?? Data()
        let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        let value = json?["value"] ?? NSNull()
        if response.status != .ok || json == nil {
            let detail = (value as? [String: Any]).map { "\($0["error"] ?? "?"): \($0["message"] ?? "")" }
            throw BrowserTestError(
                "WebDriver \(method) \(path) failed (\(response.status.code)): "
                    + (detail ?? String(decoding: data.prefix(500), as: UTF8.self)))
        }
        return value
    }
}

/// A minimal W3C WebDriver client: JSON over HTTP, one session.
private struct WebDriverSession: Sendable {
    /// The key under which WebDriver returns an element reference.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    let driver: URL
    let id: String
    /// The browser's process ID, to end it should the driver fail to.
    let browserPID: pid_t?

    struct Element: Sendable {
        let id: String
    }

    struct Rect: Sendable, CustomStringConvertible {
        let x, y, width, height: Double
        var description: String { "x \(x), y \(y), \(width)×\(height)" }
    }

    static func create(driver: URL, capabilities: [String: Any]) async throws -> WebDriverSession {
        let value = try await WebDriverHTTP.send(.post, driver, "/session", capabilities)
        guard let session = value as? [String: Any], let id = session["sessionId"] as? String else {
            throw BrowserTestError("chromedriver did not start a session: \(value)")
        }
        let returned = session["capabilities"] as? [String: Any]
        let pid = (returned?["goog:processID"] as? NSNumber).map { pid_t($0.intValue) }
        return WebDriverSession(driver: driver, id: id, browserPID: pid)
    }

    /// Deletes the session (closing the browser); kills the browser if that fails.
    func end() async {
        do {
            _ = try await command(.delete, "")
        } catch {
            if let browserPID { kill(browserPID, SIGKILL) }
        }
    }

    @discardableResult
    private func command(
        _ method: HTTPRequest.Method, _ path: String, _ body: [String: Any]? = nil
    ) async throws -> Any {
        let suffix = path.isEmpty ? "" : "/" + path
        return try await WebDriverHTTP.send(
            method, driver, "/session/\(id)\(suffix)", method == .post ? (body ?? [:]) : nil)
    }

    func navigate(to url: String) async throws {
        try await command(.post, "url", ["url": url])
    }

    func currentURL() async throws -> String {
        try await command(.get, "url") as? String ?? ""
    }

    func title() async throws -> String {
        try await command(.get, "title") as? String ?? ""
    }

    func element(_ css: String) async throws -> Element {
        let value = try await command(.post, "element", ["using": "css selector", "value": css])
        guard let id = (value as? [String: Any])?[Self.elementKey] as? String else {
            throw BrowserTestError("no element reference for \(css): \(value)")
        }
        return Element(id: id)
    }

    func elements(_ css: String) async throws -> [Element] {
        let value = try await command(.post, "elements", ["using": "css selector", "value": css])
        return (value as? [[String: Any]] ?? []).compactMap { ($0[Self.elementKey] as? String).map { Element(id: $0) } }
    }

    func attribute(_ element: Element, _ name: String) async throws -> String? {
        try await command(.get, "element/\(element.id)/attribute/\(name)") as? String
    }

    func property(_ element: Element, _ name: String) async throws -> String? {
        try await command(.get, "element/\(element.id)/property/\(name)") as? String
    }

    func text(_ element: Element) async throws -> String {
        try await command(.get, "element/\(element.id)/text") as? String ?? ""
    }

    func isSelected(_ element: Element) async throws -> Bool {
        try await command(.get, "element/\(element.id)/selected") as? Bool ?? false
    }

    func rect(_ element: Element) async throws -> Rect {
        let value = try await command(.get, "element/\(element.id)/rect") as? [String: Any] ?? [:]
        func number(_ key: String) -> Double { (value[key] as? NSNumber)?.doubleValue ?? .nan }
        return Rect(x: number("x"), y: number("y"), width: number("width"), height: number("height"))
    }

    func click(_ element: Element) async throws {
        try await command(.post, "element/\(element.id)/click")
    }

    func type(_ text: String, into element: Element) async throws {
        try await command(.post, "element/\(element.id)/value", ["text": text])
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        guard let base64 = try await command(.get, "screenshot") as? String, let png = Data(base64Encoded: base64)
        else { throw BrowserTestError("the screenshot was not base64") }
        return png
    }

    /// Polls `probe` until it returns a value: the page after a click may still be loading.
    func waitFor<T>(_ what: String, _ probe: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(BrowserSetup.timeout)
        var lastError: (any Error)?
        while Date() < deadline {
            do {
                if let value = try await probe() { return value }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let source = (try? await command(.get, "source") as? String) ?? ""
        throw BrowserTestError(
            "gave up waiting for \(what) (\(lastError.map { "\($0)" } ?? "no error")); page: \(source.prefix(2000))")
    }
}
