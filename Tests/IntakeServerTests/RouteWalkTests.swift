import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import TestSupport
import Testing

/// What is wrong with a response as a browser would receive it: missing security headers, a cookie or a server name,
/// and for HTML, CSS and SVG any script, event handler or reference to another origin. Empty when all is well.
func responseProblems(headers: HTTPFields, body: String) -> [String] {
    var problems = securityHeaderProblems(headers)
    if !headers[values: .setCookie].isEmpty { problems.append("Set-Cookie header") }
    if headers[.server] != nil { problems.append("Server header") }
    let type = headers[.contentType] ?? ""
    guard ["text/html", "text/css", "image/svg+xml"].contains(where: type.hasPrefix) else { return problems }
    let checks: [(String, Regex<Substring>)] = [
        ("a script element", #/(?i)<script/#),
        ("a javascript: URL", #/(?i)javascript:/#),
        ("an event handler attribute", #/(?i)<[^>]*\son[a-z]+\s*=/#),
        ("another origin in src, href or action", #/(?i)\b(?:src|href|action)\s*=\s*["']?\s*(?:https?:|//)/#),
        ("another origin in url()", #/(?i)url\(\s*["']?\s*(?:https?:|//)/#),
        ("another origin in @import", #/(?i)@import\s+(?:url\(\s*)?["']?\s*(?:https?:|//)/#),
    ]
    for (problem, pattern) in checks where body.contains(pattern) { problems.append(problem) }
    return problems
}

@Suite struct RouteWalkTests {
    /// One step of the walk: a request, the status it must get, and what came back.
    struct Step {
        let label: String
        let expected: HTTPResponse.Status
        let response: TestResponse
    }

    @Test func everyRouteAndEveryStatusCarriesTheHeadersAndNoScriptCookieOrOtherOrigin() async throws {
        let statics = try FileManager.default.contentsOfDirectory(
            atPath: Repository.web.appendingPathComponent("static").path
        ).sorted()
        #expect(!statics.isEmpty)
        // Four reports pass flood control: the two stored and the two the broken spool cannot store; the next two
        // are over it. Refused posts (invalid, too large, wrong type) never spend that budget.
        let intake = try await Intake.make(onDisk: true) { configuration in
            configuration.maxBodyBytes = 4096
            configuration.globalPerMinute = 4
        }
        let app = Application(
            router: buildRouter(intake.services),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil), logger: quietLogger)
        let big = String(repeating: "x", count: 5000)
        let json = "application/json"
        let steps = try await app.test(.live) { client in
            var steps: [Step] = []
            func step(_ label: String, _ expected: HTTPResponse.Status, _ response: TestResponse) {
                steps.append(Step(label: label, expected: expected, response: response))
            }
            for uri in ["/", "/?lang=kk", "/?lang=ru", "/?lang=en"] {
                step("GET \(uri)", .accepted, try await client.get(uri))
            }
            for uri in ["/exit", "/exit?lang=ru", "/healthz"] { step("GET \(uri)", .ok, try await client.get(uri)) }
            for name in statics { step("GET /static/\(name)", .ok, try await client.get("/static/\(name)")) }
            step("HEAD /", .accepted, try await client.execute(uri: "/?lang=ru", method: .head))
            step("HEAD /healthz", .ok, try await client.execute(uri: "/healthz", method: .head))
            step("GET /nothing", .notFound, try await client.get("/nothing?lang=ru"))
            step("GET /static/nothing.css", .notFound, try await client.get("/static/nothing.css"))
            step("GET /api/v1/nothing", .notFound, try await client.get("/api/v1/nothing"))
            step("GET /report", .notFound, try await client.get("/report"))
            step("DELETE /", .notFound, try await client.execute(uri: "/", method: .delete))
            step("PUT /api/v1/reports", .notFound, try await client.execute(uri: "/api/v1/reports", method: .put))

            let posted = try await client.postFormOnly(Sample.ru.fields)
            step("POST /report", .seeOther, posted)
            let confirmation = posted.headers[.location] ?? Confirmations.path(OnceTokens.make())
            step("GET /received/…", .accepted, try await client.get(confirmation))
            step("GET /received/… again", .ok, try await client.get(confirmation))
            step("POST /report invalid", .badRequest, try await client.postForm(["lang": "en"]))
            step(
                "POST /report too large", .contentTooLarge,
                try await client.post("/report", body: "text=\(big)", contentType: formContentType))
            step(
                "POST /report wrong type", .unsupportedMediaType,
                try await client.post("/report", body: "text=a", contentType: "text/plain"))
            step("POST /api/v1/reports", .created, try await client.postJSON(Probe.validJSON))
            step("POST /api/v1/reports invalid", .badRequest, try await client.postJSON("{"))
            step(
                "POST /api/v1/reports too large", .contentTooLarge,
                try await client.postJSON("{\"text\":\"\(big)\"}"))
            step(
                "POST /api/v1/reports wrong type", .unsupportedMediaType,
                try await client.post("/api/v1/reports", body: Probe.validJSON, contentType: "text/plain"))
            // No collector key in the walk: collection is off, so there is no challenge to ask for.
            step("GET /api/v1/collect/challenge", .notFound, try await client.get("/api/v1/collect/challenge"))
            step(
                "POST /api/v1/collect unsigned", .unauthorized,
                try await client.post("/api/v1/collect", body: #"{"limit":10}"#, contentType: json))
            step(
                "POST /api/v1/collect/ack unsigned", .unauthorized,
                try await client.post("/api/v1/collect/ack", body: #"{"ids":[]}"#, contentType: json))

            try await intake.breakSpool()
            step("POST /report, spool broken", .serviceUnavailable, try await client.postForm(Sample.kk.fields))
            step("POST /api/v1/reports, spool broken", .serviceUnavailable, try await client.postJSON(Probe.validJSON))
            step("POST /report over the cap", .tooManyRequests, try await client.postForm(Sample.en.fields))
            step("POST /api/v1/reports over the cap", .tooManyRequests, try await client.postJSON(Probe.validJSON))
            return steps
        }

        for step in steps {
            #expect(step.response.status == step.expected, "\(step.label)")
            #expect(responseProblems(headers: step.response.headers, body: step.response.text) == [], "\(step.label)")
        }
        for label in ["HEAD /", "HEAD /healthz"] {
            let head = try #require(steps.first { $0.label == label })
            #expect(head.response.body.readableBytes == 0, "\(label) has no body")
        }
        let form = try #require(steps.first { $0.label == "GET /?lang=ru" })
        let headOfForm = try #require(steps.first { $0.label == "HEAD /" })
        #expect(headOfForm.response.headers[.contentType] == form.response.headers[.contentType])
        for name in statics {
            let served = try #require(steps.first { $0.label == "GET /static/\(name)" })
            let onDisk = try Data(contentsOf: Repository.web.appendingPathComponent("static/\(name)"))
            #expect(Data(served.response.body.readableBytesView) == onDisk, "\(name)")
        }
        // The walk reached every status the intake answers with, so no status escaped the checks above.
        #expect(Set(steps.map(\.response.status.code)) == Set(Probe.allCases.map(\.expectedStatus.code)))
        #expect(try intake.spool.count() == 2)
    }

    @Test func theCheckFindsAScriptAnotherOriginACookieAndAServerName() {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        for (name, value) in SecurityHeaders.all { headers[name] = value }
        let clean = """
            <html lang="en"><link rel="stylesheet" href="/static/style.css"><a href="tel:112">112</a>
            <form method="post" action="/report"><p>Someone was on time.</p></form></html>
            """
        #expect(responseProblems(headers: headers, body: clean) == [])

        let pages: [(String, String)] = [
            ("<p>hi</p><script>alert(1)</script>", "a script element"),
            (#"<a href="javascript:alert(1)">x</a>"#, "a javascript: URL"),
            (#"<body onload="steal()">"#, "an event handler attribute"),
            (#"<a href="https://evil.example/">x</a>"#, "another origin in src, href or action"),
            ("<img src=//cdn.example/pixel.png>", "another origin in src, href or action"),
            (#"<form action="http://evil.example/collect">"#, "another origin in src, href or action"),
        ]
        for (page, problem) in pages {
            #expect(responseProblems(headers: headers, body: page) == [problem], "\(page)")
        }
        var css = headers
        css[.contentType] = "text/css; charset=utf-8"
        #expect(
            responseProblems(headers: css, body: "body { background: url('https://x.example/a.png') }") == [
                "another origin in url()"
            ])
        #expect(
            responseProblems(headers: css, body: #"@import "//fonts.example/a.css";"#) == [
                "another origin in @import"
            ])
        // Plain text is not markup: only its headers are checked.
        var text = headers
        text[.contentType] = "text/plain; charset=utf-8"
        #expect(responseProblems(headers: text, body: "<script>") == [])

        var leaky = headers
        leaky[.setCookie] = "session=1"
        leaky[.server] = "Hummingbird"
        let problems = responseProblems(headers: leaky, body: clean)
        #expect(problems.contains("Set-Cookie header"))
        #expect(problems.contains("Server header"))
    }
}
