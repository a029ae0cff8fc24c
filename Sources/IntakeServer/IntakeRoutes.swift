import Foundation
import HTTPTypes
import Hummingbird
import ReportFormat

/// The handlers of the intake's routes.
struct IntakeRoutes: Sendable {
    let services: IntakeServices

    private var pages: Pages { services.pages }

    func language(of request: Request) -> Language {
        LanguageNegotiation.choose(
            query: request.uri.queryParameters["lang"].map(String.init),
            acceptLanguage: request.headers[.acceptLanguage])
    }

    func form(_ request: Request) -> Response {
        HTMLResponse.page(
            pages.form(language(of: request), once: OnceTokens.make()), status: HTMLResponse.notKeptForBack)
    }

    /// Reads the body up to the limit: a declared length over it is refused before reading.
    ///
    /// A body the HTTP parser cannot read (a malformed chunk size) is the client's mistake: 400, not 500.
    private func body(of request: Request, maxBytes: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBytes {
            throw HTTPError(.contentTooLarge)
        }
        do {
            return try await request.body.collect(upTo: maxBytes)
        } catch let error as HTTPResponseError {
            throw error
        } catch {
            throw HTTPError(.badRequest)
        }
    }

    /// The media type of the body without its parameters, lower-cased.
    static func mediaType(_ request: Request) -> String? {
        guard let type = request.headers[.contentType]?.prefix(while: { $0 != ";" }),
            let first = type.firstIndex(where: { !$0.isWhitespace }),
            let last = type.lastIndex(where: { !$0.isWhitespace })
        else { return nil }
        return type[first...last].lowercased()
    }

    /// A post that will not be stored: counted against the refusals' own bound, never the reports' budget. Past
    /// that bound the client is told 429 and its connection closed, which is cheap and sheds keep-alive bots; a
    /// report from the same client (the same proxy) is still taken.
    private func refusal(_ response: Response, context: IntakeRequestContext, tooMany: () -> Response) -> Response {
        guard services.refusals.admit(client: context.clientTag) == .allow else {
            var closing = tooMany()
            closing.headers[.connection] = "close"
            return closing
        }
        return response
    }

    /// The body, or the refusal to answer when it is too large or unreadable.
    private func readBody(
        _ request: Request, context: IntakeRequestContext, refuse: (HTTPResponse.Status) -> Response
    ) async -> Result<ByteBuffer, Refused> {
        do {
            return .success(try await body(of: request, maxBytes: services.configuration.maxBodyBytes))
        } catch let error as HTTPResponseError {
            return .failure(Refused(response: refuse(error.status)))
        } catch {
            return .failure(Refused(response: refuse(.badRequest)))
        }
    }

    struct Refused: Error {
        let response: Response
    }

    func submitForm(_ request: Request, context: IntakeRequestContext) async throws -> Response {
        var language = language(of: request)
        func page(_ code: Int, _ status: HTTPResponse.Status) -> Response {
            HTMLResponse.page(pages.status(code, language), status: status)
        }
        func refuse(_ response: Response) -> Response {
            refusal(response, context: context) { page(429, .tooManyRequests) }
        }
        guard Self.mediaType(request) == "application/x-www-form-urlencoded" else {
            return refuse(page(415, .unsupportedMediaType))
        }
        let buffer: ByteBuffer
        switch await readBody(
            request, context: context,
            refuse: { refuse(page(Pages.statusCodes.contains($0.code) ? $0.code : 400, $0)) }
        ) {
        case .success(let read): buffer = read
        case .failure(let refused): return refused.response
        }
        let fields: [(name: String, value: String)]
        do {
            fields = try URLEncodedForm.decode(buffer.readableBytesView)
        } catch {
            return refuse(page(400, .badRequest))
        }
        if let chosen = fields.last(where: { $0.name == "lang" }).flatMap({ Language(rawValue: $0.value) }) {
            language = chosen
        }
        let submission: ReportSubmission
        do {
            submission = try Self.submission(from: fields)
        } catch {
            return refuse(page(400, .badRequest))
        }
        // The form's one-time value: the same filled form sent again stores nothing new (issue 16).
        let once = fields.last(where: { $0.name == "once" }).map(\.value).flatMap {
            OnceTokens.isToken($0) ? $0 : nil
        }
        let validated = submission.validate(language: language, receivedHour: Report.hour(of: services.now()))
        // A person never fills the hidden field. A bot that does is told "received" and nothing is stored, so it
        // learns nothing from the answer; it spends the refusals' bound, not the reports' budget.
        if fields.contains(where: { $0.name == "website" && !$0.value.isEmpty }) {
            // As long as a real store takes lately, and the same page, so that neither speed nor size tells.
            try? await Task.sleep(for: services.storeTimer.typical)
            // A code of the same shape, stored nowhere: the bot's page looks like a person's.
            return refuse(confirm(language: language, inDanger: false, code: ReceiptCode.generate()))
        }
        switch validated {
        case .failure(let failure):
            return refuse(
                HTMLResponse.page(
                    pages.form(language, submission: submission, failure: failure, once: once ?? OnceTokens.make()),
                    status: .badRequest))
        case .success(let report):
            if let once, let inDanger = services.onceTokens.stored(once) {
                // Sent again (a reload of the confirmation): already stored, the same confirmation.
                return confirm(language: language, inDanger: inDanger)
            }
            // Only what would be stored spends the budget that protects storage.
            guard services.flood.admit(client: context.clientTag) == .allow else { return page(429, .tooManyRequests) }
            // The receipt code (issue 17): made here, put into the sealed report as its mailbox and reply key, and
            // shown once; the intake keeps only the mailbox ID derived from it.
            let code = ReceiptCode.generate()
            let mailbox = MailboxRow(id: Data(code.mailboxID), day: Report.day(of: services.now()))
            guard await store(report.replying(to: code), mailbox: mailbox, context: context) else {
                return page(503, .serviceUnavailable)
            }
            if let once { services.onceTokens.remember(once, inDanger: report.inDanger) }
            return confirm(language: language, inDanger: report.inDanger, code: code)
        }
    }

    /// Post/Redirect/Get: the browser is sent to a one-time confirmation page, so that its history holds no POST
    /// (issue 16).
    private func confirm(language: Language, inDanger: Bool, code: ReceiptCode? = nil) -> Response {
        let token = services.confirmations.issue(.init(language: language, inDanger: inDanger, code: code))
        return Response(
            status: .seeOther,
            headers: [.location: Confirmations.path(token), .contentType: "text/html; charset=utf-8"])
    }

    /// The confirmation, the first time its address is visited; the blank exit page after that.
    func confirmation(_ request: Request, context: IntakeRequestContext) -> Response {
        guard let token = context.parameters.get("token"), let page = services.confirmations.take(token) else {
            return exit(request)
        }
        return HTMLResponse.page(
            pages.received(page.language, inDanger: page.inDanger, code: page.code), status: HTMLResponse.notKeptForBack
        )
    }

    // MARK: - The check page (issue 17)

    func checkForm(_ request: Request) -> Response {
        HTMLResponse.page(pages.check(language(of: request)), status: HTMLResponse.notKeptForBack)
    }

    /// A code posted to `/check`: a typo is told as one, and a code that names no mailbox — never made, or
    /// expired — gets one answer, after the same lookup. Found, the browser is sent to a one-time page.
    func check(_ request: Request, context: IntakeRequestContext) async throws -> Response {
        var language = language(of: request)
        func form(_ error: String?, _ status: HTTPResponse.Status) -> Response {
            HTMLResponse.page(pages.check(language, error: error), status: status)
        }
        func refuse(_ response: Response) -> Response {
            refusal(response, context: context) {
                HTMLResponse.page(pages.status(429, language), status: .tooManyRequests)
            }
        }
        guard Self.mediaType(request) == "application/x-www-form-urlencoded" else {
            return refuse(HTMLResponse.page(pages.status(415, language), status: .unsupportedMediaType))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body(of: request, maxBytes: 4096)
        } catch {
            return refuse(HTMLResponse.page(pages.status(413, language), status: .contentTooLarge))
        }
        guard let fields = try? URLEncodedForm.decode(buffer.readableBytesView) else {
            return refuse(HTMLResponse.page(pages.status(400, language), status: .badRequest))
        }
        if let chosen = fields.last(where: { $0.name == "lang" }).flatMap({ Language(rawValue: $0.value) }) {
            language = chosen
        }
        let typed = fields.filter { $0.name == "code" }
        guard typed.count <= 1 else {
            return refuse(HTMLResponse.page(pages.status(400, language), status: .badRequest))
        }
        // Every attempt spends the refusals' budget: guessing is bounded per client and overall, in memory.
        guard services.refusals.admit(client: context.clientTag) == .allow else {
            var closing = HTMLResponse.page(pages.status(429, language), status: .tooManyRequests)
            closing.headers[.connection] = "close"
            return closing
        }
        let code: ReceiptCode
        switch ReceiptCode.parse(typed.first?.value ?? "") {
        case .success(let parsed): code = parsed
        case .failure(.empty): return form(pages.text("check_error.empty", language), .badRequest)
        case .failure(.notDigits): return form(pages.text("check_error.not_digits", language), .badRequest)
        case .failure(.wrongLength(let count)):
            return form(
                pages.text("check_error.length", language).replacingOccurrences(of: "{count}", with: "\(count)"),
                .badRequest)
        case .failure(.checkFailed): return form(pages.text("check_error.typo", language), .badRequest)
        }
        let today = Report.day(of: services.now())
        services.expireMailboxesOnce(today: today)
        guard
            let found = try? services.spool.touchMailbox(
                Data(code.mailboxID), today: today,
                keepDays: services.configuration.mailboxDays)
        else {
            return form(pages.text("check_error.unknown", language), .notFound)
        }
        let token = services.confirmations.issue(
            .init(
                language: language, inDanger: false,
                check: .init(
                    receivedDay: found.createdDay,
                    expiresDay: found.expiresDay(keepDays: services.configuration.mailboxDays))))
        return Response(
            status: .seeOther,
            headers: [.location: Confirmations.checkedPath(token), .contentType: "text/html; charset=utf-8"])
    }

    /// What a check found, the first time its address is visited; the blank exit page after that.
    func checked(_ request: Request, context: IntakeRequestContext) -> Response {
        guard let token = context.parameters.get("token"), let page = services.confirmations.take(token),
            let found = page.check
        else { return exit(request) }
        return HTMLResponse.page(pages.check(page.language, found: found), status: HTMLResponse.notKeptForBack)
    }

    /// The quick exit's blank page. `Clear-Site-Data` asks the browser to drop what it kept of this site (its
    /// cache); what keeps the form and the confirmation out of Back is `HTMLResponse.notKeptForBack`.
    func exit(_ request: Request) -> Response {
        var response = HTMLResponse.page(pages.exit(language(of: request)))
        response.headers[HTTPField.Name("Clear-Site-Data")!] = "\"cache\", \"storage\""
        return response
    }

    func submitJSON(_ request: Request, context: IntakeRequestContext) async throws -> Response {
        var language = language(of: request)
        func answer(_ status: HTTPResponse.Status, _ key: String) -> Response {
            APIResponses.error(status: status, message: pages.text(key, language))
        }
        func refuse(_ response: Response) -> Response {
            refusal(response, context: context) { answer(.tooManyRequests, "status.429.message") }
        }
        guard Self.mediaType(request) == "application/json" else {
            return refuse(answer(.unsupportedMediaType, "status.415.message"))
        }
        let buffer: ByteBuffer
        let refuseStatus: (HTTPResponse.Status) -> Response = { status in
            let code = Pages.statusCodes.contains(status.code) ? status.code : 400
            return refuse(answer(status, "status.\(code).message"))
        }
        switch await readBody(request, context: context, refuse: refuseStatus) {
        case .success(let read): buffer = read
        case .failure(let refused): return refused.response
        }
        let body: APIReportRequest
        do {
            body = try JSONDecoder().decode(APIReportRequest.self, from: Data(buffer.readableBytesView))
            // The decoder keeps one of two equal keys and drops the other: a key given twice is refused, as a
            // repeated form field is, so that no reading of the body is stored that the sender did not mean.
            guard !APIReportRequest.repeatsAKey(Array(buffer.readableBytesView)) else { throw HTTPError(.badRequest) }
        } catch {
            return refuse(answer(.badRequest, "status.400.message"))
        }
        if let chosen = body.lang.flatMap(Language.init(rawValue:)) { language = chosen }
        switch body.submission.validate(language: language, receivedHour: Report.hour(of: services.now())) {
        case .failure(let failure):
            var fields: [String: String] = [:]
            for problem in failure.problems {
                fields[problem.field.rawValue] = pages.message(for: problem.problem, language)
            }
            return refuse(
                APIResponses.error(
                    status: .badRequest, message: pages.text("error.summary_heading", language), fields: fields))
        case .success(let report):
            guard services.flood.admit(client: context.clientTag) == .allow else {
                return answer(.tooManyRequests, "status.429.message")
            }
            guard await store(report, context: context) else {
                return answer(.serviceUnavailable, "status.503.message")
            }
            return APIResponses.received(message: pages.text("received.message", language))
        }
    }

    /// Seals in memory and appends to the spool; true once committed to disk.
    private func store(_ report: Report, mailbox: MailboxRow? = nil, context: IntakeRequestContext) async -> Bool {
        do {
            let started = ContinuousClock.now
            let envelope = try services.sealer.seal(report)
            try await services.writer.append(
                SpoolEntry(envelope: envelope, day: Report.day(of: services.now())), mailbox: mailbox)
            services.storeTimer.record(ContinuousClock.now - started)
            return true
        } catch {
            // The error's type only: its description could carry data.
            context.logger.error("could not store a report", metadata: ["error": "\(type(of: error))"])
            return false
        }
    }

    static let choiceFields: Set<String> = ["reporter", "what", "where", "when", "danger"]
    static let textFields: Set<String> = ["class", "text", "names", "contact", "lang", "website", "once"]

    static func submission(from fields: [(name: String, value: String)]) throws(FormDecodingError)
        -> ReportSubmission
    {
        var submission = ReportSubmission()
        var seen: Set<String> = []
        for (name, value) in fields {
            if textFields.contains(name) {
                guard seen.insert(name).inserted else { throw .repeatedField(name) }
            }
            // An empty choice is the "not chosen yet" button a text browser checks for the child: no answer.
            if value.isEmpty, Self.choiceFields.contains(name) { continue }
            switch name {
            case "reporter": submission.reporter.append(value)
            case "what": submission.what.append(value)
            case "where": submission.place.append(value)
            case "when": submission.timing.append(value)
            case "danger": submission.danger.append(value)
            case "class": submission.classOrGrade = value
            case "text": submission.text = value
            case "names": submission.names = value
            case "contact": submission.contact = value
            default: break
            }
        }
        return submission
    }
}

/// The JSON body of `POST /api/v1/reports`.
struct APIReportRequest: Decodable {
    var lang: String?
    var reporter: String?
    var what: [String]?
    var `where`: String?
    var when: String?
    var danger: Bool?
    var `class`: String?
    var text: String?
    var names: String?
    var contact: String?

    /// Whether the top-level object of a body that decoded has a key twice (escapes decoded, so `"te\u0078t"`
    /// is `"text"`).
    static func repeatsAKey(_ json: [UInt8]) -> Bool {
        var seen: Set<String> = []
        var depth = 0
        var expectingKey = false
        var index = 0
        while index < json.count {
            switch json[index] {
            case UInt8(ascii: "{"):
                depth += 1
                if depth == 1 { expectingKey = true }
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectingKey = true }
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < json.count, json[index] != UInt8(ascii: "\"") {
                    index += json[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if depth == 1, expectingKey {
                    expectingKey = false
                    let quoted = Data(json[start...min(index, json.count - 1)])
                    let key = try? JSONSerialization.jsonObject(with: quoted, options: .fragmentsAllowed) as? String
                    guard let key, seen.insert(key).inserted else { return true }
                }
            default: break
            }
            index += 1
        }
        return false
    }

    var submission: ReportSubmission {
        var submission = ReportSubmission()
        submission.reporter = reporter.map { [$0] } ?? []
        submission.what = what ?? []
        submission.place = self.where.map { [$0] } ?? []
        submission.timing = when.map { [$0] } ?? []
        submission.danger = danger.map { [$0 ? "yes" : "no"] } ?? []
        submission.classOrGrade = self.class ?? ""
        submission.text = text ?? ""
        submission.names = names ?? ""
        submission.contact = contact ?? ""
        return submission
    }
}

/// JSON answers of the API.
enum APIResponses {
    struct Body: Encodable {
        var status: String
        var message: String
        var fields: [String: String]?
    }

    static func json(_ body: Body, status: HTTPResponse.Status) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func received(message: String) -> Response {
        json(Body(status: "received", message: message), status: .created)
    }

    static func error(status: HTTPResponse.Status, message: String, fields: [String: String]? = nil) -> Response {
        json(Body(status: "error", message: message, fields: fields), status: status)
    }
}
