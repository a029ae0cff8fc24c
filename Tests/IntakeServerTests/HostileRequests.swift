import Foundation
import HTTPTypes
import IntakeServer
import ReportFormat
import Spool
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    // The hostile-request catalogue: each malformed or hostile request, as bytes, and the answer the intake must
    // give. `HostileRequestCatalogueTests` runs every entry against one real intake. Adding a case is adding an
    // entry here.

    /// What the intake must answer to a hostile request.
    enum HostileAnswer: Sendable {
        /// A page in `language` with this status, showing the string `key` (as HTML escapes it).
        case page(Int, Language, String)
        /// A JSON error with this status whose message is the string `key` in `language`.
        case json(Int, Language, String)
        /// The HTTP parser refused the request before any route ran: 400, an empty body, the connection closed.
        /// No page is possible: the request could not be read, so neither its path nor its language is known.
        case parserRefusal
        /// No response; the connection is closed once the idle timeout passes with the request still incomplete.
        case closedWithoutResponse
        /// The page, when the client had finished sending; a client still sending a body far over the limit when the
        /// intake answers and closes may instead see the connection reset (TCP discards the answer then).
        case pageUnlessReset(Int, Language, String)
        /// `303 See Other` to a one-time confirmation, as a stored report gets, with an empty body.
        case confirmation

        var status: Int? {
            switch self {
            case .confirmation: 303
            case .page(let status, _, _), .json(let status, _, _), .pageUnlessReset(let status, _, _): status
            case .parserRefusal: 400
            case .closedWithoutResponse: nil
            }
        }
    }

    /// One malformed or hostile request and the answer the intake must give.
    struct HostileRequest: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var delivery: Wire.Delivery = .whole
        let answer: HostileAnswer
        /// Text that must appear nowhere in the answer (file contents, an injected header).
        var forbidden: [String] = []

        var testDescription: String { name }
    }

    /// The intake the catalogue runs against: one real process for every case.
    enum CatalogueIntake {
        /// Large enough for a text one character over its limit (20,000), small enough that a chunk bomb of one-byte
        /// chunks crosses it in a fraction of a second on a debug build.
        static let maxBodyBytes = 32 * 1024
        /// Short, so that the requests that never complete are cut off quickly.
        static let idleTimeoutSeconds = 1

        static let shared = Task {
            try await IntakeChild.start([
                "--max-body-bytes", "\(maxBodyBytes)", "--idle-timeout", "\(idleTimeoutSeconds)",
                "--per-client-per-minute", "0", "--global-per-minute", "0",
            ])
        }
    }

    extension HostileRequest {
        static let validForm = Sample.ru.fields

        static func form(_ name: String, _ change: (inout FormFields) -> Void, _ answer: HostileAnswer)
            -> HostileRequest
        {
            var fields = validForm
            change(&fields)
            return HostileRequest(name: name, bytes: Wire.form("/report?lang=ru", fields.encoded), answer: answer)
        }

        /// The valid form with `tail` appended as already-encoded text.
        static func formTail(_ name: String, _ tail: String, _ answer: HostileAnswer) -> HostileRequest {
            var fields = validForm
            fields.remove("text")
            return HostileRequest(
                name: name, bytes: Wire.form("/report?lang=ru", fields.encoded + "&" + tail), answer: answer)
        }

        /// A post to the check page (issue 17).
        static func check(_ name: String, _ body: String, _ answer: HostileAnswer, type: String? = nil)
            -> HostileRequest
        {
            let bytes = Array(body.utf8)
            return HostileRequest(
                name: name,
                bytes: Wire.request([
                    "POST /check?lang=ru HTTP/1.1", "Host: localhost",
                    "Content-Type: \(type ?? "application/x-www-form-urlencoded")",
                    "Content-Length: \(bytes.count)", "Connection: close",
                ]) + bytes, answer: answer)
        }

        static func json(_ name: String, _ body: String, _ answer: HostileAnswer) -> HostileRequest {
            HostileRequest(name: name, bytes: Wire.json("/api/v1/reports?lang=en", body), answer: answer)
        }

        static func path(_ name: String, _ target: String, forbidden: [String] = []) -> HostileRequest {
            HostileRequest(
                name: name,
                bytes: Wire.request([
                    "GET \(target) HTTP/1.1", "Host: localhost", "Accept-Language: ru", "Connection: close",
                ]),
                answer: .page(404, .ru, "status.404.title"), forbidden: forbidden)
        }

        static let validJSON = #"{"reporter":"staff","what":["bullying"],"danger":false,"text":"Проверка"}"#
        static let fileContents = ["PackageDescription", "root:x:0", "swift-tools-version"]
        static let badRequestPage = HostileAnswer.page(400, .ru, "status.400.title")
        static let badRequestJSON = HostileAnswer.json(400, .en, "status.400.message")

        static let catalogue: [HostileRequest] = {
            let valid = Array(validForm.encoded.utf8)
            let formHead = "POST /report?lang=ru HTTP/1.1\r\nHost: localhost\r\nContent-Type: \(formContentType)\r\n"
            let tinyChunks = Array(repeating: Array("1\r\na\r\n".utf8), count: CatalogueIntake.maxBodyBytes + 1000)
                .flatMap { $0 }
            return [
                // Body size and framing.
                HostileRequest(
                    name: "Content-Length far over the limit",
                    bytes: Array((formHead + "Content-Length: 99999999999\r\nConnection: close\r\n\r\ntext=a").utf8),
                    answer: .page(413, .ru, "status.413.title")),
                HostileRequest(
                    name: "Content-Length over the limit on the API",
                    bytes: Array(
                        ("POST /api/v1/reports?lang=en HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 99999999\r\nConnection: close\r\n\r\n{").utf8),
                    answer: .json(413, .en, "status.413.message")),
                // The declared 10 bytes are read as the form ("lang=ru&re"): the form is incomplete; the rest of the
                // body is then a second, unparseable request, refused after the first answer.
                HostileRequest(
                    name: "Content-Length shorter than the body",
                    bytes: Array((formHead + "Content-Length: 10\r\n\r\n").utf8) + valid,
                    answer: .page(400, .ru, "error.required")),
                HostileRequest(
                    name: "Content-Length longer than the body",
                    bytes: Array((formHead + "Content-Length: \(valid.count + 100)\r\n\r\n").utf8) + valid,
                    answer: .closedWithoutResponse),
                HostileRequest(
                    name: "chunk bomb: many one-byte chunks over the limit",
                    bytes: Wire.chunkedHead("/report?lang=ru") + tinyChunks + Array("0\r\n\r\n".utf8),
                    answer: .pageUnlessReset(413, .ru, "status.413.title")),
                HostileRequest(
                    name: "one huge declared chunk, sent past the limit",
                    bytes: Wire.chunkedHead("/report?lang=ru") + Array("FFFFFFFF\r\n".utf8)
                        + Array(repeating: UInt8(ascii: "a"), count: CatalogueIntake.maxBodyBytes + 1),
                    answer: .pageUnlessReset(413, .ru, "status.413.title")),
                HostileRequest(
                    name: "one huge declared chunk, never sent",
                    bytes: Wire.chunkedHead("/report?lang=ru") + Array("FFFFFFFFFF\r\naaaa".utf8),
                    answer: .closedWithoutResponse),
                HostileRequest(
                    name: "chunk size that overflows",
                    bytes: Wire.chunkedHead("/report?lang=ru")
                        + Array("FFFFFFFFFFFFFFFFFFFF\r\naaaa\r\n0\r\n\r\n".utf8),
                    answer: badRequestPage),
                HostileRequest(
                    name: "chunk size that is not hexadecimal",
                    bytes: Wire.chunkedHead("/report?lang=ru") + Array("zz\r\naaaa\r\n0\r\n\r\n".utf8),
                    answer: badRequestPage),
                HostileRequest(
                    name: "chunk size that is not hexadecimal, on the API",
                    bytes: Wire.chunkedHead("/api/v1/reports?lang=en", contentType: "application/json")
                        + Array("zz\r\n{}\r\n0\r\n\r\n".utf8),
                    answer: badRequestJSON),
                HostileRequest(
                    name: "two Content-Length headers that disagree",
                    bytes: Array(
                        (formHead + "Content-Length: 5\r\nContent-Length: 7\r\nConnection: close\r\n\r\ntext=aa").utf8),
                    answer: .parserRefusal),
                HostileRequest(
                    name: "Transfer-Encoding and Content-Length together",
                    bytes: Array(
                        (formHead
                            + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n")
                            .utf8),
                    answer: .parserRefusal),

                // Content types.
                HostileRequest(
                    name: "text/plain on the form route",
                    bytes: Wire.post("/report?lang=ru", contentType: "text/plain", body: valid),
                    answer: .page(415, .ru, "status.415.title")),
                HostileRequest(
                    name: "multipart on the form route",
                    bytes: Wire.post("/report?lang=ru", contentType: "multipart/form-data; boundary=x", body: valid),
                    answer: .page(415, .ru, "status.415.title")),
                HostileRequest(
                    name: "no Content-Type on the form route",
                    bytes: Wire.post("/report?lang=ru", contentType: nil, body: valid),
                    answer: .page(415, .ru, "status.415.title")),
                HostileRequest(
                    name: "JSON on the form route",
                    bytes: Wire.post("/report?lang=ru", contentType: "application/json", body: Array(validJSON.utf8)),
                    answer: .page(415, .ru, "status.415.title")),
                HostileRequest(
                    name: "form type on the JSON route",
                    bytes: Wire.post("/api/v1/reports?lang=en", contentType: formContentType, body: valid),
                    answer: .json(415, .en, "status.415.message")),

                // The form's contents.
                formTail("invalid UTF-8 in a field", "text=%FF%FE", badRequestPage),
                formTail("overlong UTF-8 of a slash, two bytes", "text=%C0%AF", badRequestPage),
                formTail("overlong UTF-8 of a slash, three bytes", "text=%E0%80%AF", badRequestPage),
                formTail("percent-encoded NUL in the text", "text=a%00b", .page(400, .ru, "error.invalid_text")),
                formTail("raw NUL byte in the text", "text=a\u{0}b", .page(400, .ru, "error.invalid_text")),
                formTail(
                    "more fields than the decoder takes",
                    "text=a&" + Array(repeating: "x=1", count: URLEncodedForm.maxFields).joined(separator: "&"),
                    badRequestPage),
                formTail("the text twice", "text=one&text=two", badRequestPage),
                form("the reporter twice", { $0.append("reporter", "parent") }, .page(400, .ru, "error.choose_one")),
                form("an unknown reporter", { $0.set("reporter", "alien") }, .page(400, .ru, "error.unknown_choice")),
                form("an unknown concern", { $0.set("what", "unknown") }, .page(400, .ru, "error.unknown_choice")),
                form(
                    "no choices at all",
                    { fields in for name in ["reporter", "what", "where", "when", "danger"] { fields.remove(name) } },
                    .page(400, .ru, "error.required")),
                form(
                    "a text one character too long",
                    { $0.set("text", String(repeating: "x", count: FormatConstants.Limits.text + 1)) },
                    .page(400, .ru, "error.too_long")),
                check(
                    "a code with a wrong digit", "code=9976802972078984988026339225",
                    .page(400, .ru, "check_error.typo")),
                check("a code with letters", "code=9976abcd", .page(400, .ru, "check_error.not_digits")),
                check("no code", "code=", .page(400, .ru, "check_error.empty")),
                check(
                    "a code no report has", "code=9976802972078984988026339224", .page(404, .ru, "check_error.unknown")),
                check("the code twice", "code=1&code=2", .page(400, .ru, "status.400.message")),
                check(
                    "a check far over its size", "code=" + String(repeating: "1", count: 5000),
                    .page(413, .ru, "status.413.message")),
                check(
                    "a check that is not a form", "code=1", .page(415, .ru, "status.415.message"), type: "text/plain"),
                form(
                    "the honeypot filled", { $0.set("website", "http://spam.example") },
                    .confirmation),

                // Static files.
                path("dot-dot in a static path", "/static/../Package.swift", forbidden: fileContents),
                path("encoded dot-dot in a static path", "/static/%2e%2e/Package.swift", forbidden: fileContents),
                path("encoded slashes to /etc/passwd", "/static/..%2f..%2fetc/passwd", forbidden: fileContents),
                path("encoded backslashes", "/static/..%5c..%5cPackage.swift", forbidden: fileContents),
                path("an absolute path after /static/", "/static//etc/passwd", forbidden: fileContents),
                path(
                    "an absolute URL as the target", "http://localhost/static/../../Package.swift",
                    forbidden: fileContents),
                path("an encoded NUL in a static name", "/static/style.css%00.svg"),
                HostileRequest(
                    name: "a raw NUL in the path",
                    bytes: Array(
                        "GET /static/style.css\u{0}.svg HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8),
                    answer: .parserRefusal),

                // Header injection.
                HostileRequest(
                    name: "encoded CR LF and a cookie in the query",
                    bytes: Wire.get("/?lang=ru%0d%0aSet-Cookie:x=1"),
                    answer: .page(202, .kk, "form_title"), forbidden: ["Set-Cookie", "x=1"]),
                HostileRequest(
                    name: "a bare CR in a header value",
                    bytes: Array(
                        "GET /?lang=ru HTTP/1.1\r\nHost: localhost\r\nAccept-Language: ru\rSet-Cookie: x=1\r\nConnection: close\r\n\r\n"
                            .utf8),
                    answer: .parserRefusal, forbidden: ["Set-Cookie"]),
                HostileRequest(
                    name: "a bare LF in a header value",
                    bytes: Array(
                        "GET /?lang=ru HTTP/1.1\r\nHost: localhost\r\nAccept-Language: ru\nSet-Cookie: x=1\r\nConnection: close\r\n\r\n"
                            .utf8),
                    answer: .parserRefusal, forbidden: ["Set-Cookie"]),

                // The request line.
                HostileRequest(
                    name: "a request line of garbage", bytes: Array("GARBAGE\r\n\r\n".utf8), answer: .parserRefusal),
                // HTTP/0.9 has no version and no headers; the parser waits for a version that never comes.
                HostileRequest(name: "HTTP/0.9", bytes: Array("GET /\r\n".utf8), answer: .closedWithoutResponse),
                HostileRequest(
                    name: "an unknown method",
                    bytes: Array("FROB / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8),
                    answer: .parserRefusal),
                HostileRequest(
                    name: "a known method the intake does not route",
                    bytes: Array("DELETE /?lang=ru HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8),
                    answer: .page(404, .ru, "status.404.title")),

                // The JSON API.
                json("ten thousand nested arrays", String(repeating: "[", count: 10_000), badRequestJSON),
                json("six thousand nested objects", String(repeating: #"{"a":"#, count: 6_000), badRequestJSON),
                json(
                    "a concern as a string, not a list",
                    #"{"reporter":"staff","what":"bullying","danger":false,"text":"a"}"#, badRequestJSON),
                json(
                    "danger as a string, not a bool",
                    #"{"reporter":"staff","what":["bullying"],"danger":"yes","text":"a"}"#, badRequestJSON),
                json(
                    "a number for the text", #"{"reporter":"staff","what":["bullying"],"danger":false,"text":42}"#,
                    badRequestJSON),
                json("invalid JSON", #"{"reporter":"staff","#, badRequestJSON),
                json(
                    "a string over the body limit",
                    #"{"text":""# + String(repeating: "x", count: CatalogueIntake.maxBodyBytes) + #""}"#,
                    .json(413, .en, "status.413.message")),
                json(
                    "a key twice",
                    #"{"reporter":"staff","what":["bullying"],"danger":false,"text":"a","text":"b"}"#, badRequestJSON),
                json(
                    "a key twice, once spelled with an escape",
                    #"{"reporter":"staff","reporter":"\u0070arent","what":["bullying"],"danger":false,"text":"a"}"#,
                    badRequestJSON),
                json(
                    "an unknown reporter in JSON",
                    #"{"reporter":"alien","what":["bullying"],"danger":false,"text":"a"}"#,
                    .json(400, .en, "error.summary_heading")),

                // Size of the head.
                HostileRequest(
                    name: "a 100 KB URL", bytes: Wire.get("/?lang=ru&q=" + String(repeating: "a", count: 100_000)),
                    answer: .parserRefusal),
                HostileRequest(
                    name: "a 100 KB header",
                    bytes: Wire.request(
                        [
                            "GET /?lang=ru HTTP/1.1", "Host: localhost",
                            "X-Big: " + String(repeating: "a", count: 100_000), "Connection: close",
                        ]),
                    answer: .parserRefusal),
                HostileRequest(
                    name: "two thousand headers",
                    bytes: Wire.request(
                        ["GET /?lang=ru HTTP/1.1", "Host: localhost"] + (0..<2000).map { "X-H\($0): v" } + [
                            "Connection: close"
                        ]),
                    answer: .parserRefusal),
                // Slowloris: the head never completes, so nothing resets the idle timer.
                HostileRequest(
                    name: "a header sent one byte every 100 ms",
                    bytes: Wire.request([
                        "GET /?lang=ru HTTP/1.1", "Host: localhost", "X-Slow: " + String(repeating: "s", count: 200),
                    ]),
                    delivery: .dribble(milliseconds: 100), answer: .closedWithoutResponse),
            ]
        }()
    }
#endif
