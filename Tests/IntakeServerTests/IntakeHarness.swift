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

/// The injected receipt time, its hour and its day: see `IntakeClock`.
let fixedNow = IntakeClock.now
let fixedHour = IntakeClock.hour
let fixedDay = IntakeClock.day
let quietLogger = Intake.quietLogger
let formContentType = FormFields.contentType

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

/// The text between the first `start` and the next `end` after it.
func text(from start: String, to end: String, in page: String) -> String? {
    guard let open = page.range(of: start), let close = page[open.upperBound...].range(of: end) else { return nil }
    return String(page[open.upperBound..<close.lowerBound])
}
