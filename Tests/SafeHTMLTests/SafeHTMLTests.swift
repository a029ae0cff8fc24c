import Foundation
import Mustache
import SafeHTML
import TestSupport
import Testing

@Suite struct SafeHTMLTests {
    static let alphabet = Array("aZ09 <>&\"'/=\\\n\u{0}ӘәҚқЖж😢\u{301}\u{20DD}\u{200D};#")

    static func random(_ length: Int, using generator: inout some RandomNumberGenerator) -> String {
        String(
            String.UnicodeScalarView(
                (0..<length).flatMap { _ in alphabet.randomElement(using: &generator)!.unicodeScalars }))
    }

    // Literals with a quote before a combining mark are kept out of `#expect`, whose expansion breaks on them.

    @Test func everySpecialByteBecomesItsEntityWhateverFollowsIt() {
        let cases = [
            ("\"\u{301}", "&quot;\u{301}"), ("'\u{20DD}", "&#39;\u{20DD}"), ("<\u{301}>&", "&lt;\u{301}&gt;&amp;"),
            ("Мен қорқамын", "Мен қорқамын"), ("", ""),
        ]
        for (text, escaped) in cases {
            #expect(Array(SafeHTML.escape(text).unicodeScalars) == Array(escaped.unicodeScalars))
        }
    }

    @Test func randomTextEscapesAsTheScalarByScalarReference() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = Self.random(Int.random(in: 0...80, using: &generator), using: &generator)
            let escaped = SafeHTML.escape(text)
            #expect(escaped == escapeHTML(text))
            #expect(!escaped.unicodeScalars.contains { "<>\"'".unicodeScalars.contains($0) })
            #expect(unescapeHTML(escaped) == text)
        }
    }

    @Test func templatesEscapeVariablesAndLeaveTripleMustachesAndMarkupAlone() throws {
        let template = try SafeHTML.template(
            "<p title=\"{{value}}\">{{value}}</p>{{#items}}<i>{{.}}</i>{{/items}}{{{raw}}}")
        let rendered = template.render(["value": "a\"\u{301}b", "items": ["<x>", "'"], "raw": "<b>"])
        let expected = "<p title=\"a&quot;\u{301}b\">a&quot;\u{301}b</p><i>&lt;x&gt;</i><i>&#39;</i><b>"
        #expect(rendered == expected)
    }

    @Test func withoutCombiningMarksTheOutputIsSwiftMustachesOwn() throws {
        var generator = SystemRandomNumberGenerator()
        let plain = try MustacheTemplate(string: "{{value}}")
        let safe = try SafeHTML.template("{{value}}")
        for _ in 0..<500 {
            let text = Self.random(40, using: &generator).unicodeScalars.filter {
                !["\u{301}", "\u{20DD}", "\u{200D}"].contains($0)
            }
            let value = String(String.UnicodeScalarView(text))
            #expect(safe.render(["value": value]) == plain.render(["value": value]))
        }
    }

    @Test func aLibraryEscapesInsidePartialsToo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safehtml-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "<b>{{> _part}}</b>".write(
            to: folder.appendingPathComponent("page.mustache"), atomically: true, encoding: .utf8)
        try "<i title=\"{{v}}\">{{v}}</i>".write(
            to: folder.appendingPathComponent("_part.mustache"), atomically: true, encoding: .utf8)
        let library = try SafeHTML.library(directory: folder.path)
        let value = "\"\u{301}"
        let expected = "<b><i title=\"&quot;\u{301}\">&quot;\u{301}</i></b>"
        #expect(library.render(["v": value], withTemplate: "page") == expected)
    }
}
