import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import ReportFormat
import TestSupport
import Testing

@Suite struct Routes {
    @Test func theFormIsKazakhByDefault() async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.get("/") }
        #expect(response.status == .accepted)
        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
        #expect(htmlLanguage(of: response.text) == "kk")
        #expect(response.text.contains(try WebText.html("form_title", .kk)))
        #expect(response.text.contains("<form method=\"post\" action=\"/report"))
    }

    @Test(
        arguments: [
            ("/?lang=ru", HTTPFields(), "ru"),
            ("/?lang=RU", HTTPFields(), "ru"),
            ("/?lang=en", [.acceptLanguage: "ru-RU,ru;q=0.9"], "en"),
            ("/", [.acceptLanguage: "ru-RU,ru;q=0.9"], "ru"),
            ("/", [.acceptLanguage: "en-GB;q=0.5,en;q=0.8,kk;q=0.9"], "kk"),
            ("/", [.acceptLanguage: "fr"], "kk"),
            ("/?lang=fr", [.acceptLanguage: "en"], "en"),
        ] as [(String, HTTPFields, String)])
    func theFormSpeaksTheLanguageAskedFor(uri: String, headers: HTTPFields, language: String) async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.get(uri, headers: headers) }
        let expected = try #require(Language(rawValue: language))
        #expect(response.status == .accepted)
        #expect(htmlLanguage(of: response.text) == language)
        #expect(response.text.contains(try WebText.html("form_title", expected)))
    }

    @Test func theFormOffersTheOtherLanguagesAsPlainLinks() async throws {
        let intake = try await Intake.make()
        let page = try await intake.test { client in try await client.get("/?lang=ru") }.text
        #expect(page.contains("href=\"/?lang=kk\""))
        #expect(page.contains("href=\"/?lang=en\""))
        #expect(!page.contains("href=\"/?lang=ru\""))
        #expect(page.contains("aria-current=\"true\">\(try WebText.html("language.ru", .ru))"))
    }

    @Test func theHealthCheckSaysOK() async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.get("/healthz") }
        #expect(response.status == .ok)
        #expect(response.text == "ok\n")
        #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
    }

    @Test(arguments: Language.allCases)
    func theQuickExitPageIsNeutralAndLeadsNowhere(language: Language) async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.get("/exit?lang=\(language.rawValue)") }
        #expect(response.status == .ok)
        #expect(htmlLanguage(of: response.text) == language.rawValue)
        #expect(response.text.contains("<title>\(try WebText.html("exit_title", language))</title>"))
        #expect(!response.text.contains("<a "))
        #expect(!response.text.contains("<form"))
        #expect(!response.text.contains(try WebText.html("page_title", language)))
    }

    @Test(arguments: [
        ("style.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
    ])
    func staticFilesAreServedAsTheyAreOnDisk(name: String, contentType: String) async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.get("/static/\(name)") }
        let onDisk = try Data(contentsOf: Repository.web.appendingPathComponent("static/\(name)"))
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == contentType)
        #expect(Data(response.body.readableBytesView) == onDisk)
    }

    @Test(arguments: [
        "/static/../Package.swift", "/static/%2e%2e/Package.swift", "/static/%2E%2E%2FPackage.swift",
        "/static/..%2FPackage.swift", "/static/nope.css", "/static/", "/static/templates/form.mustache",
        "/static/../strings/kk.json", "/Package.swift", "/nope",
    ])
    func anythingElseIsALocalisedNotFoundPage(uri: String) async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.get(uri, headers: [.acceptLanguage: "ru"])
        }
        #expect(response.status == .notFound)
        #expect(htmlLanguage(of: response.text) == "ru")
        #expect(response.text.contains(try WebText.html("status.404.title", .ru)))
        #expect(!response.text.contains("PackageDescription"))
        #expect(!response.text.contains("{{"))
    }

    @Test(arguments: Language.allCases)
    func notFoundSpeaksTheAskedLanguage(language: Language) async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.get("/nothing-here?lang=\(language.rawValue)")
        }
        #expect(response.status == .notFound)
        #expect(htmlLanguage(of: response.text) == language.rawValue)
        #expect(response.text.contains(try WebText.html("status.404.message", language)))
    }

    @Test func anUnknownAPIPathAnswersInJSON() async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.get("/api/v1/nothing?lang=en") }
        #expect(response.status == .notFound)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        let body = try response.json()
        #expect(body["status"] as? String == "error")
        #expect(body["message"] as? String == (try WebText.raw("status.404.message", .en)))
    }

    @Test func theReportRouteOnlyTakesPosts() async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.get("/report") }
        #expect(response.status.code >= 400 && response.status.code < 500)
        #expect(try intake.spool.count() == 0)
    }
}

@Suite struct LanguageChoice {
    @Test func theQueryWinsOverTheBrowser() {
        #expect(LanguageNegotiation.choose(query: "en", acceptLanguage: "ru") == .en)
    }

    @Test func anUnknownQueryFallsBackToTheBrowser() {
        #expect(LanguageNegotiation.choose(query: "de", acceptLanguage: "ru") == .ru)
    }

    @Test func theBrowsersBestQualityWins() {
        #expect(LanguageNegotiation.fromAcceptLanguage("en;q=0.5, ru;q=0.8, kk;q=0.7") == .ru)
        #expect(LanguageNegotiation.fromAcceptLanguage("ru-RU,ru;q=0.9,en-US;q=0.8") == .ru)
        #expect(LanguageNegotiation.fromAcceptLanguage("KK-kz") == .kk)
    }

    @Test func earlierEntriesWinTies() {
        #expect(LanguageNegotiation.fromAcceptLanguage("en, ru") == .en)
        #expect(LanguageNegotiation.fromAcceptLanguage("ru, en") == .ru)
    }

    @Test func aRefusedLanguageIsNeverChosen() {
        #expect(LanguageNegotiation.fromAcceptLanguage("ru;q=0, en;q=0.1") == .en)
        #expect(LanguageNegotiation.fromAcceptLanguage("ru;q=0") == nil)
    }

    @Test func unsupportedLanguagesMeanKazakh() {
        #expect(LanguageNegotiation.fromAcceptLanguage("fr, de;q=0.9") == nil)
        #expect(LanguageNegotiation.choose(query: nil, acceptLanguage: "fr") == .kk)
        #expect(LanguageNegotiation.choose(query: nil, acceptLanguage: nil) == .kk)
        #expect(LanguageNegotiation.choose(query: nil, acceptLanguage: "") == .kk)
    }
}
