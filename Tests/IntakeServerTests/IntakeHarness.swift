import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import Logging
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

/// The injected receipt time, 2026-11-22T23:47:12Z: late in the UTC day, so a day taken in
/// Kazakhstan's local time (UTC+5) would already be the 23rd.
let fixedNow = Date(timeIntervalSince1970: 1_795_391_232)
/// `fixedNow` rounded down to the hour, as a payload carries it.
let fixedHour = "2026-11-22T23:00:00Z"
/// The UTC day of `fixedNow`, as a spool row carries it.
let fixedDay = "2026-11-22"

/// A logger for tests whose failures are expected: only critical messages get through.
let quietLogger: Logger = {
    var logger = Logger(label: "senim-intake-test")
    logger.logLevel = .critical
    return logger
}()

/// An intake wired for tests: the fixture public key, the repository's web folder, a fixed clock.
struct Intake: Sendable {
    let services: IntakeServices
    /// Holds an on-disk spool's folder for as long as the intake lives.
    let folder: TemporaryDirectory?
    /// The spool file, when the spool is on disk.
    let spoolPath: String?

    static func make(
        onDisk: Bool = false, now: Date = fixedNow, _ adjust: (inout IntakeConfiguration) -> Void = { _ in }
    ) async throws -> Intake {
        var configuration = IntakeConfiguration()
        configuration.publicKeyPath = TestKeys.publicKeyURL.path
        configuration.webDirectory = Repository.web.path
        adjust(&configuration)
        // Flood control's minute does not move during a test: a busy machine cannot split two requests over two
        // minutes and let the second through.
        let frozen = ContinuousClock.now
        guard onDisk else {
            let services = try await IntakeServices(
                configuration: configuration, spool: .inMemory(), now: { now }, floodClock: { frozen })
            return Intake(services: services, folder: nil, spoolPath: nil)
        }
        let folder = try TemporaryDirectory()
        configuration.spoolPath = folder.path("spool.sqlite")
        let spool = try SpoolDatabase(path: configuration.spoolPath)
        let services = try await IntakeServices(
            configuration: configuration, spool: spool, now: { now }, floodClock: { frozen })
        return Intake(services: services, folder: folder, spoolPath: configuration.spoolPath)
    }

    var spool: SpoolDatabase { services.spool }

    /// Runs `body` against the router in process.
    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await Application(router: buildRouter(services), logger: quietLogger).test(.router, body)
    }

    /// Makes every later write to the spool fail, as a full or broken disk would.
    func breakSpool() async throws {
        try await spool.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = ON") }
    }

    /// Every stored envelope, opened with the fixture secret key.
    func openedReports() throws -> [Report] {
        let keys = try TestKeys.keyPair()
        return try spool.all().map { try keys.open(Envelope(parsing: $0.envelope)) }
    }
}

/// Form fields in order, encoded as a browser does (`+` for spaces, `%XX` for every other byte).
struct FormFields: Sendable, ExpressibleByDictionaryLiteral {
    var pairs: [(name: String, value: String)]

    init(_ pairs: [(name: String, value: String)]) { self.pairs = pairs }
    init(dictionaryLiteral elements: (String, String)...) { self.pairs = elements.map { ($0.0, $0.1) } }

    var encoded: String {
        pairs.map { "\(Self.encode($0.name))=\(Self.encode($0.value))" }.joined(separator: "&")
    }

    mutating func set(_ name: String, _ value: String) {
        pairs.removeAll { $0.name == name }
        pairs.append((name, value))
    }

    mutating func append(_ name: String, _ value: String) { pairs.append((name, value)) }

    mutating func remove(_ name: String) { pairs.removeAll { $0.name == name } }

    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                out.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: " "): out.append("+")
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

let formContentType = "application/x-www-form-urlencoded"

extension TestClientProtocol {
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }

    /// Posts raw body text; `contentType` nil sends no Content-Type at all.
    func post(_ uri: String, body: String, contentType: String?, headers: HTTPFields = [:]) async throws
        -> TestResponse
    {
        var headers = headers
        headers[.contentType] = contentType
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func postForm(_ fields: FormFields, to uri: String = "/report", headers: HTTPFields = [:]) async throws
        -> TestResponse
    {
        try await post(uri, body: fields.encoded, contentType: formContentType, headers: headers)
    }

    func postJSON(_ json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await post("/api/v1/reports", body: json, contentType: "application/json", headers: headers)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
    }
}

/// The strings files, read straight from `Web/strings`, independently of the server's loader.
enum WebText {
    static func table(_ language: Language) throws -> [String: String] {
        let url = Repository.web.appendingPathComponent("strings/\(language.rawValue).json")
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }

    static func raw(_ key: String, _ language: Language) throws -> String {
        try #require(try table(language)[key], "no string \(key) in \(language.rawValue).json")
    }

    /// A string as a page shows it: HTML-escaped the way Mustache escapes `{{…}}`.
    static func html(_ key: String, _ language: Language) throws -> String {
        escapeHTML(try raw(key, language))
    }
}

/// Scalar by scalar, not character by character: a quote followed by a combining mark is one `Character`.
func escapeHTML(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "&": out += "&amp;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Scalar by scalar: `&quot;` followed by a combining mark ends in one `Character` (`;` and the mark), which a
/// character-wise search would not match.
func unescapeHTML(_ text: String) -> String {
    let entities: [(String, Unicode.Scalar)] = [
        ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&"),
    ]
    let scalars = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var index = 0
    scan: while index < scalars.count {
        for (entity, scalar) in entities {
            let pattern = Array(entity.unicodeScalars)
            if scalars[index...].starts(with: pattern) {
                out.append(scalar)
                index += pattern.count
                continue scan
            }
        }
        out.append(scalars[index])
        index += 1
    }
    return String(out)
}

/// The value of `<html lang="…">`.
func htmlLanguage(of page: String) -> String? {
    page.firstMatch(of: #/<html lang="([a-z]+)">/#).map { String($0.1) }
}

/// The whole `<input …>` tag with the given id.
func inputTag(id: String, in page: String) -> String? {
    page.matches(of: #/<input\b[^>]*>/#).map { String($0.0) }.first { $0.contains(" id=\"\(id)\"") }
}

/// Whether the radio button or checkbox with `id` is checked; nil if there is no such input.
func isChecked(_ id: String, in page: String) -> Bool? {
    inputTag(id: id, in: page).map { $0.contains(" checked") }
}

/// An attribute of a tag, unescaped.
func attribute(_ name: String, of tag: String) -> String? {
    // The closing quote is looked for scalar by scalar: a quote followed by a combining mark is one `Character`.
    guard let start = tag.range(of: " \(name)=\""),
        let end = tag.unicodeScalars[start.upperBound...].firstIndex(of: "\"")
    else { return nil }
    return unescapeHTML(String(tag.unicodeScalars[start.upperBound..<end]))
}

/// The text in a `<textarea>`, unescaped, without the newline HTML drops after the start tag.
func textareaContent(id: String, in page: String) -> String? {
    guard let start = page.range(of: "<textarea id=\"\(id)\""),
        let open = page[start.upperBound...].firstIndex(of: ">"),
        let close = page[open...].range(of: "</textarea>")
    else { return nil }
    var content = String(page[page.index(after: open)..<close.lowerBound])
    if content.hasPrefix("\n") { content.removeFirst() }
    return unescapeHTML(content)
}

/// Whether `needle` occurs in `haystack`, as bytes.
func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    let first = needle[0]
    var index = 0
    let last = haystack.count - needle.count
    while index <= last {
        if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
        index += 1
    }
    return false
}

/// The text between the first `start` and the next `end` after it.
func text(from start: String, to end: String, in page: String) -> String? {
    guard let open = page.range(of: start), let close = page[open.upperBound...].range(of: end) else { return nil }
    return String(page[open.upperBound..<close.lowerBound])
}
