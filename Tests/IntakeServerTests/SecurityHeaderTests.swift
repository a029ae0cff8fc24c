import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import ReportFormat
import TestSupport
import Testing

/// One request of every route and every status the intake answers with.
enum Probe: String, CaseIterable, Sendable {
    case form, formInRussian, exit, health, stylesheet, favicon
    case notFound, staticNotFound, traversal, apiNotFound
    case received, receivedRedirect, confirmationGone, honeypot, invalidReport, badEncoding, tooLarge, wrongType,
        tooMany, spoolBroken
    case apiReceived, apiInvalid, apiTooLarge, apiWrongType, apiTooMany, apiSpoolBroken
    case collectUnsigned, acknowledgeUnsigned

    var expectedStatus: HTTPResponse.Status {
        switch self {
        case .exit, .health, .stylesheet, .favicon, .confirmationGone: .ok
        // The form and the confirmation: see `HTMLResponse.notKeptForBack`.
        case .form, .formInRussian, .received, .honeypot: .accepted
        case .receivedRedirect: .seeOther
        case .notFound, .staticNotFound, .traversal, .apiNotFound: .notFound
        case .invalidReport, .badEncoding, .apiInvalid: .badRequest
        case .tooLarge, .apiTooLarge: .contentTooLarge
        case .wrongType, .apiWrongType: .unsupportedMediaType
        case .tooMany, .apiTooMany: .tooManyRequests
        case .spoolBroken, .apiSpoolBroken: .serviceUnavailable
        case .apiReceived: .created
        case .collectUnsigned, .acknowledgeUnsigned: .unauthorized
        }
    }

    static let validJSON = """
        {"lang":"ru","reporter":"staff","what":["bullying"],"danger":false,"text":"Проверка заголовков"}
        """

    func response() async throws -> TestResponse {
        let intake = try await Intake.make { configuration in
            configuration.maxBodyBytes = 4096
            configuration.globalPerMinute = 1
        }
        if self == .spoolBroken || self == .apiSpoolBroken { try await intake.breakSpool() }
        let big = String(repeating: "x", count: 5000)
        return try await intake.test { client in
            switch self {
            case .form: return try await client.get("/")
            case .formInRussian: return try await client.get("/?lang=ru")
            case .exit: return try await client.get("/exit")
            case .health: return try await client.get("/healthz")
            case .stylesheet: return try await client.get("/static/style.css")
            case .favicon: return try await client.get("/static/favicon.svg")
            case .notFound: return try await client.get("/admin")
            case .staticNotFound: return try await client.get("/static/nope.css")
            case .traversal: return try await client.get("/static/%2e%2e/Package.swift")
            case .apiNotFound: return try await client.get("/api/v2/reports")
            case .received, .spoolBroken: return try await client.postForm(Sample.ru.fields)
            case .receivedRedirect: return try await client.postFormOnly(Sample.ru.fields)
            case .confirmationGone: return try await client.get(Confirmations.path(OnceTokens.make()))
            case .honeypot:
                var fields = Sample.ru.fields
                fields.set("website", "http://spam.example")
                return try await client.postForm(fields)
            case .invalidReport: return try await client.postForm(["lang": "en"])
            case .badEncoding: return try await client.post("/report", body: "text=%FF", contentType: formContentType)
            case .tooLarge: return try await client.post("/report", body: "text=\(big)", contentType: formContentType)
            case .wrongType: return try await client.post("/report", body: "text=a", contentType: "text/plain")
            case .tooMany:
                _ = try await client.postForm(Sample.ru.fields)
                return try await client.postForm(Sample.ru.fields)
            case .apiReceived, .apiSpoolBroken: return try await client.postJSON(Self.validJSON)
            case .apiInvalid: return try await client.postJSON("{")
            case .apiTooLarge: return try await client.postJSON("{\"text\":\"\(big)\"}")
            case .apiWrongType:
                return try await client.post("/api/v1/reports", body: Self.validJSON, contentType: "text/plain")
            case .apiTooMany:
                _ = try await client.postJSON(Self.validJSON)
                return try await client.postJSON(Self.validJSON)
            case .collectUnsigned:
                return try await client.post("/api/v1/collect", body: #"{"limit":10}"#, contentType: "application/json")
            case .acknowledgeUnsigned:
                return try await client.post(
                    "/api/v1/collect/ack", body: #"{"ids":[]}"#, contentType: "application/json")
            }
        }
    }
}

/// What is missing or wrong in a response's security headers; empty when all is well.
func securityHeaderProblems(_ headers: HTTPFields) -> [String] {
    var problems: [String] = []
    func check(_ condition: Bool, _ problem: String) { if !condition { problems.append(problem) } }

    let policies = headers[values: .contentSecurityPolicy]
    check(policies.count == 1, "not exactly one Content-Security-Policy: \(policies)")
    let policy = policies.first ?? ""
    let directives = Set(policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
    for required in ["default-src 'none'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"] {
        check(directives.contains(required), "CSP lacks \(required)")
    }
    check(!directives.contains { $0.hasPrefix("script-src") }, "CSP has a script-src")
    check(!policy.contains("unsafe-"), "CSP allows something unsafe")

    func value(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
    for (name, expected) in [
        ("Referrer-Policy", "no-referrer"), ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store"),
        ("Cross-Origin-Opener-Policy", "same-origin"), ("Cross-Origin-Resource-Policy", "same-origin"),
    ] {
        check(value(name) == expected, "\(name) is \(value(name) ?? "missing"), not \(expected)")
    }
    let permissions = Set(
        (value("Permissions-Policy") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    for feature in ["camera=()", "microphone=()", "geolocation=()"] {
        check(permissions.contains(feature), "Permissions-Policy lacks \(feature)")
    }
    check(headers[values: .setCookie].isEmpty, "sets a cookie")
    check(headers[.server] == nil, "names the server")
    return problems
}

@Suite struct SecurityHeaderTests {
    @Test(arguments: Probe.allCases)
    func everyResponseCarriesTheSecurityHeaders(probe: Probe) async throws {
        let response = try await probe.response()
        #expect(response.status == probe.expectedStatus)
        #expect(securityHeaderProblems(response.headers) == [])
    }

    @Test func everyStatusTheIntakeAnswersWithIsProbed() {
        let statuses = Set(Probe.allCases.map(\.expectedStatus.code))
        #expect(statuses == [200, 201, 202, 303, 400, 401, 404, 413, 415, 429, 503])
    }

    @Test func theCheckCatchesAResponseWithoutThePolicy() {
        // The header check itself must be able to fail.
        let bare = securityHeaderProblems([.server: "nginx", .setCookie: "a=b"])
        #expect(bare.count == 15)
        var weakened: HTTPFields = [:]
        for (name, value) in SecurityHeaders.all { weakened[name] = value }
        #expect(securityHeaderProblems(weakened) == [])
        weakened[.contentSecurityPolicy] = SecurityHeaders.contentSecurityPolicy + "; script-src 'self'"
        #expect(securityHeaderProblems(weakened) == ["CSP has a script-src"])
    }
}
