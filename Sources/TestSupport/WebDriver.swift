import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

// A minimal W3C WebDriver client for the browser tests: `chromedriver` as a child process, one session, JSON over
// HTTP. Headless Chromium with JavaScript off at a phone's size. `BrowserSetup.chromium()` is the one place the
// tests look for Chromium (the printed plan and statistics pages use it without the driver).

/// Starts `chromedriver` and a browser session, runs `body`, then always ends both. The screen is
/// `BrowserSetup.width` × `BrowserSetup.height` CSS pixels unless another phone is named.
public func withBrowser(
    width: Double = BrowserSetup.width, height: Double = BrowserSetup.height,
    _ body: (WebDriverSession) async throws -> Void
) async throws {
    let tools = try BrowserSetup.locateTools()
    let driver = try ChromeDriver(executable: tools.chromedriver)
    do {
        try await driver.waitUntilReady()
        let session = try await WebDriverSession.create(
            driver: driver.base, capabilities: BrowserSetup.capabilities(tools, width: width, height: height))
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

/// Where the browser tools are and how the browser is set up.
public enum BrowserSetup {
    /// The phone screen, in CSS pixels.
    public static let width = 360.0
    public static let height = 740.0
    /// Generous: starting Chromium on two busy cores can take several seconds.
    public static let timeout: TimeInterval = 90

    public struct Tools: Sendable {
        public let chromium: String
        public let chromedriver: String
    }

    /// Chromium alone, for a page printed or photographed from the command line.
    public static func chromium() throws -> String {
        guard let chromium = find(["chromium", "chromium-browser"]) else {
            throw BrowserTestError(
                "chromium not found: install it with `apt-get install -y chromium`, or set SENIM_SKIP_BROWSER=1 to "
                    + "skip the browser checks")
        }
        return chromium
    }

    public static func locateTools() throws -> Tools {
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
    public static func capabilities(_ tools: Tools, width: Double = width, height: Double = height) -> [String: Any] {
        [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": tools.chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu",
                            "--window-size=\(Int(width)),\(Int(height))",
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

public struct BrowserTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// `chromedriver` as a child process on a free loopback port.
final class ChromeDriver: @unchecked Sendable {
    let base: URL
    private let process = Process()

    init(executable: String) throws {
        let port = try Wire.freePort()
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
enum WebDriverHTTP {
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
public struct WebDriverSession: Sendable {
    /// The key under which WebDriver returns an element reference.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    let driver: URL
    let id: String
    /// The browser's process ID, to end it should the driver fail to.
    let browserPID: pid_t?

    public struct Element: Sendable {
        public let id: String
    }

    public struct Rect: Sendable, CustomStringConvertible {
        public let x, y, width, height: Double
        public var description: String { "x \(x), y \(y), \(width)×\(height)" }
    }

    public static func create(driver: URL, capabilities: [String: Any]) async throws -> WebDriverSession {
        let value = try await WebDriverHTTP.send(.post, driver, "/session", capabilities)
        guard let session = value as? [String: Any], let id = session["sessionId"] as? String else {
            throw BrowserTestError("chromedriver did not start a session: \(value)")
        }
        let returned = session["capabilities"] as? [String: Any]
        let pid = (returned?["goog:processID"] as? NSNumber).map { pid_t($0.intValue) }
        return WebDriverSession(driver: driver, id: id, browserPID: pid)
    }

    /// Deletes the session (closing the browser); kills the browser if that fails.
    public func end() async {
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

    public func navigate(to url: String) async throws {
        try await command(.post, "url", ["url": url])
    }

    /// The browser's Back button.
    public func back() async throws {
        try await command(.post, "back")
    }

    /// The page's HTML as the browser has it now.
    public func source() async throws -> String {
        try await command(.get, "source") as? String ?? ""
    }

    public func currentURL() async throws -> String {
        try await command(.get, "url") as? String ?? ""
    }

    public func title() async throws -> String {
        try await command(.get, "title") as? String ?? ""
    }

    public func element(_ css: String) async throws -> Element {
        let value = try await command(.post, "element", ["using": "css selector", "value": css])
        guard let id = (value as? [String: Any])?[Self.elementKey] as? String else {
            throw BrowserTestError("no element reference for \(css): \(value)")
        }
        return Element(id: id)
    }

    public func elements(_ css: String) async throws -> [Element] {
        let value = try await command(.post, "elements", ["using": "css selector", "value": css])
        return (value as? [[String: Any]] ?? []).compactMap { ($0[Self.elementKey] as? String).map { Element(id: $0) } }
    }

    public func attribute(_ element: Element, _ name: String) async throws -> String? {
        try await command(.get, "element/\(element.id)/attribute/\(name)") as? String
    }

    public func property(_ element: Element, _ name: String) async throws -> String? {
        try await command(.get, "element/\(element.id)/property/\(name)") as? String
    }

    public func text(_ element: Element) async throws -> String {
        try await command(.get, "element/\(element.id)/text") as? String ?? ""
    }

    public func isSelected(_ element: Element) async throws -> Bool {
        try await command(.get, "element/\(element.id)/selected") as? Bool ?? false
    }

    public func rect(_ element: Element) async throws -> Rect {
        let value = try await command(.get, "element/\(element.id)/rect") as? [String: Any] ?? [:]
        func number(_ key: String) -> Double { (value[key] as? NSNumber)?.doubleValue ?? .nan }
        return Rect(x: number("x"), y: number("y"), width: number("width"), height: number("height"))
    }

    public func click(_ element: Element) async throws {
        try await command(.post, "element/\(element.id)/click")
    }

    public func type(_ text: String, into element: Element) async throws {
        try await command(.post, "element/\(element.id)/value", ["text": text])
    }

    /// A PNG of the viewport.
    public func screenshot() async throws -> Data {
        guard let base64 = try await command(.get, "screenshot") as? String, let png = Data(base64Encoded: base64)
        else { throw BrowserTestError("the screenshot was not base64") }
        return png
    }

    /// Polls `probe` until it returns a value: the page after a click may still be loading.
    public func waitFor<T>(_ what: String, _ probe: () async throws -> T?) async throws -> T {
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
