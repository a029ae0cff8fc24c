import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import ReportFormat
import TestSupport
import Testing

@Suite struct StringsFiles {
    @Test func everyLanguageHasTheSameKeys() throws {
        let kk = Set(try WebText.table(.kk).keys)
        #expect(kk.count > 50)
        for language in [Language.ru, .en] {
            let keys = Set(try WebText.table(language).keys)
            #expect(keys.subtracting(kk).isEmpty, "\(language.rawValue) has extra \(keys.subtracting(kk).sorted())")
            #expect(kk.subtracting(keys).isEmpty, "\(language.rawValue) lacks \(kk.subtracting(keys).sorted())")
        }
    }

    @Test(arguments: Language.allCases)
    func noStringIsEmpty(language: Language) throws {
        let empty = try WebText.table(language).filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(empty.isEmpty, "\(empty.keys.sorted())")
    }

    @Test(arguments: Language.allCases)
    func theServersKeysAndTheTemplatesCopiesSayTheSame(language: Language) throws {
        let table = try WebText.table(language)
        for (dotted, copy) in [
            ("received.title", "received_title"), ("received.message", "received_message"),
            ("received.next", "received_next"), ("received.danger_lead", "received_danger_lead"),
            ("error.summary_heading", "error_summary_heading"),
        ] {
            #expect(table[dotted] != nil && table[dotted] == table[copy], "\(dotted) differs from \(copy)")
        }
    }

    @Test(arguments: Language.allCases)
    func theLengthMessageHasItsPlaceholder(language: Language) throws {
        #expect(try WebText.raw("error.too_long", language).contains("{max}"))
    }

    @Test(arguments: Language.allCases)
    func everyChoiceAndStatusHasAString(language: Language) throws {
        let table = try WebText.table(language)
        var keys =
            ReporterRole.allCases.map { "reporter.\($0.rawValue)" } + Concern.allCases.map { "what.\($0.rawValue)" }
        keys += Place.allCases.map { "where.\($0.rawValue)" } + Timing.allCases.map { "when.\($0.rawValue)" }
        keys += ["danger.yes", "danger.no"] + Language.allCases.map { "language.\($0.rawValue)" }
        for code in [400, 404, 413, 415, 429, 500, 503] { keys += ["status.\(code).title", "status.\(code).message"] }
        let missing = keys.filter { table[$0] == nil }
        #expect(missing.isEmpty, "\(missing)")
    }
}

@Suite struct Templates {
    static func templates() throws -> [(name: String, text: String)] {
        let folder = Repository.web.appendingPathComponent("templates")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            .filter { $0.hasSuffix(".mustache") }
            .map { ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
    }

    @Test func everyStringATemplateUsesExists() throws {
        let templates = try Self.templates()
        #expect(templates.count >= 8)
        var used: Set<String> = []
        for template in templates {
            for match in template.text.matches(of: #/\{\{[#^/]?\s*t\.([A-Za-z0-9_.\-]+)\s*\}\}/#) {
                used.insert(String(match.1))
            }
        }
        #expect(used.count > 40)
        for language in Language.allCases {
            let table = try WebText.table(language)
            let missing = used.filter { table[$0] == nil }.sorted()
            #expect(missing.isEmpty, "\(language.rawValue).json lacks \(missing)")
        }
    }

    @Test func templatesCarryNoScriptHandlersOrInlineStyles() throws {
        for (name, text) in try Self.templates() {
            let lower = text.lowercased()
            #expect(!lower.contains("<script"), "\(name) has a script")
            #expect(!lower.contains("javascript:"), "\(name) has a javascript: link")
            #expect(lower.firstMatch(of: #/\son[a-z]+\s*=/#) == nil, "\(name) has an event handler")
            #expect(lower.firstMatch(of: #/\sstyle\s*=/#) == nil, "\(name) has an inline style")
            #expect(!lower.contains("<style"), "\(name) has a style element")
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name) outputs unescaped text")
        }
    }

    @Test func templatesHaveNoWordsOfTheirOwn() throws {
        for (name, text) in try Self.templates() {
            let stripped = text.replacing(#/\{\{[^}]*\}\}/#, with: " ").replacing(#/<[^>]*>/#, with: " ")
            let words = stripped.split(whereSeparator: { !$0.isLetter }).filter { !$0.isEmpty }
            #expect(words.isEmpty, "\(name) has its own words: \(words.prefix(5))")
        }
    }
}

/// Every kind of page the intake renders, in one language.
func renderedPages(_ language: Language) async throws -> [(name: String, page: String)] {
    let intake = try await Intake.make()
    let code = language.rawValue
    return try await intake.test { client in
        var pages: [(String, String)] = []
        pages.append(("form", try await client.get("/?lang=\(code)").text))
        pages.append(("form with errors", try await client.postForm(["lang": code, "what": "aliens"]).text))
        var danger = Sample.of(language).fields
        danger.set("danger", "yes")
        pages.append(("received in danger", try await client.postForm(danger).text))
        pages.append(("received", try await client.postForm(Sample.of(language).fields).text))
        pages.append(("not found", try await client.get("/nowhere?lang=\(code)").text))
        pages.append(
            (
                "bad request",
                try await client.post("/report?lang=\(code)", body: "text=%FF", contentType: formContentType).text
            ))
        pages.append(
            ("unsupported", try await client.post("/report?lang=\(code)", body: "", contentType: "text/plain").text))
        return pages
    }
}

@Suite struct RenderedPages {
    @Test(arguments: Language.allCases)
    func everyPageDeclaresItsLanguage(language: Language) async throws {
        let pages = try await renderedPages(language)
        for (name, page) in pages {
            #expect(htmlLanguage(of: page) == language.rawValue, "\(name)")
        }
        let intake = try await Intake.make()
        let exit = try await intake.test { client in try await client.get("/exit?lang=\(language.rawValue)") }
        #expect(htmlLanguage(of: exit.text) == language.rawValue)
    }

    @Test(arguments: Language.allCases)
    func everyPageHasTheNeutralTitleTheQuickExitAndTheHelpNumbers(language: Language) async throws {
        let title = try WebText.html("page_title", language)
        for (name, page) in try await renderedPages(language) {
            let shown = try #require(text(from: "<title>", to: "</title>", in: page), "\(name) has no title")
            #expect(shown.hasSuffix(title), "\(name) has the title \(shown)")
            #expect(page.contains("<a class=\"quick-exit\" href=\"/exit\" rel=\"noreferrer\">"), "\(name)")
            for number in ["112", "102", "150", "111"] {
                #expect(page.contains("href=\"tel:\(number)\""), "\(name) lacks \(number)")
            }
        }
    }

    @Test(arguments: Language.allCases)
    func everyFieldHasALabel(language: Language) async throws {
        for (name, page) in try await renderedPages(language) {
            let controls = page.matches(of: #/<(input|textarea)\b[^>]*>/#).map { String($0.0) }
                .filter { attribute("type", of: $0) != "hidden" }
            if name.hasPrefix("form") { #expect(controls.count > 25, "\(name)") }
            for control in controls {
                let id = try #require(attribute("id", of: control), "\(name): \(control) has no id")
                #expect(page.contains("<label for=\"\(id)\">"), "\(name): \(id) has no label")
            }
        }
    }

    @Test(arguments: Language.allCases)
    func pagesAndStylesheetNameNoOtherOrigin(language: Language) async throws {
        var documents = try await renderedPages(language)
        let css = try String(
            contentsOf: Repository.web.appendingPathComponent("static/style.css"), encoding: .utf8)
        documents.append(("style.css", css))
        for (name, text) in documents {
            #expect(!text.contains("http://") && !text.contains("https://"), "\(name) names another origin")
            for attribute in ["src", "href", "action"] {
                #expect(!text.contains("\(attribute)=\"//"), "\(name) has a protocol-relative URL")
            }
        }
        #expect(css.firstMatch(of: #/url\(|@import/#) == nil)
    }

    @Test func theFaviconFetchesNothing() throws {
        let svg = try String(contentsOf: Repository.web.appendingPathComponent("static/favicon.svg"), encoding: .utf8)
        // The SVG namespace is a name, not an address anything fetches; nothing else may look like one.
        let withoutNamespace = svg.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http"))
        #expect(!withoutNamespace.contains("href"))
        #expect(!svg.lowercased().contains("<script"))
    }

    @Test(arguments: Language.allCases)
    func theFormWithItsStylesheetAndIconIsUnder30KB(language: Language) async throws {
        let intake = try await Intake.make()
        let sizes = try await intake.test { client in
            try await [
                client.get("/?lang=\(language.rawValue)").body.readableBytes,
                client.get("/static/style.css").body.readableBytes,
                client.get("/static/favicon.svg").body.readableBytes,
            ]
        }
        #expect(sizes.allSatisfy { $0 > 0 })
        #expect(sizes.reduce(0, +) < 30 * 1024, "\(sizes)")
        #expect(sizes[1] < 6 * 1024)
        #expect(sizes[2] < 1024)
    }
}
