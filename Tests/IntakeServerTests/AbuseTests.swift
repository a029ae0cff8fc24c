import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import ReportFormat
import Synchronization
import TestSupport
import Testing

@Suite struct BodyLimits {
    @Test func aFormBodyOverTheLimitIsRefusedAndNothingStored() async throws {
        let intake = try await Intake.make { $0.maxBodyBytes = 2048 }
        var fields = Sample.ru.fields
        fields.set("text", String(repeating: "ж", count: 400))
        let body = fields.encoded
        #expect(body.utf8.count > 2048)
        let response = try await intake.test { client in
            try await client.post("/report", body: body, contentType: formContentType, headers: [.acceptLanguage: "ru"])
        }
        #expect(response.status == .contentTooLarge)
        #expect(htmlLanguage(of: response.text) == "ru")
        #expect(response.text.contains(try WebText.html("status.413.title", .ru)))
        #expect(try intake.spool.count() == 0)
    }

    @Test func aBodyOfExactlyTheLimitIsAccepted() async throws {
        let limit = 2048
        let intake = try await Intake.make { $0.maxBodyBytes = limit }
        var fields = Sample.en.fields
        fields.append("padding", "")
        let padding = String(repeating: "p", count: limit - fields.encoded.utf8.count)
        fields.set("padding", padding)
        #expect(fields.encoded.utf8.count == limit)
        let response = try await intake.test { [fields] client in try await client.postForm(fields) }
        #expect(response.status == .accepted)
        #expect(try intake.spool.count() == 1)
    }

    @Test func aJSONBodyOverTheLimitIsRefusedInJSON() async throws {
        let intake = try await Intake.make { $0.maxBodyBytes = 1024 }
        let json = "{\"text\":\"\(String(repeating: "x", count: 2000))\"}"
        let response = try await intake.test { client in
            try await client.postJSON(json, headers: [.acceptLanguage: "en"])
        }
        #expect(response.status == .contentTooLarge)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        let body = try response.json()
        #expect(body["status"] as? String == "error")
        #expect(body["message"] as? String == (try WebText.raw("status.413.message", .en)))
        #expect(try intake.spool.count() == 0)
    }
}

@Suite struct ContentTypes {
    @Test(arguments: ["text/plain", "multipart/form-data; boundary=x", nil, "application/json"] as [String?])
    func theFormRouteTakesOnlyURLEncodedBodies(contentType: String?) async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.post("/report?lang=en", body: Sample.en.fields.encoded, contentType: contentType)
        }
        #expect(response.status == .unsupportedMediaType)
        #expect(htmlLanguage(of: response.text) == "en")
        #expect(response.text.contains(try WebText.html("status.415.title", .en)))
        #expect(try intake.spool.count() == 0)
    }

    @Test func theFormMediaTypeIsMatchedWithoutRegardToCaseOrParameters() async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.post(
                "/report", body: Sample.kk.fields.encoded,
                contentType: "Application/X-WWW-Form-URLEncoded; charset=UTF-8")
        }
        #expect(response.status == .seeOther)
        #expect(try intake.spool.count() == 1)
    }

    @Test(arguments: ["text/plain", "multipart/form-data; boundary=x", nil, formContentType] as [String?])
    func theAPITakesOnlyJSON(contentType: String?) async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.post(
                "/api/v1/reports", body: Probe.validJSON, contentType: contentType, headers: [.acceptLanguage: "kk"])
        }
        #expect(response.status == .unsupportedMediaType)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        let body = try response.json()
        #expect(body["status"] as? String == "error")
        #expect(body["message"] as? String == (try WebText.raw("status.415.message", .kk)))
        #expect(try intake.spool.count() == 0)
    }
}

@Suite struct MalformedForms {
    /// Each case is the tail of a form whose other fields make a complete, valid report.
    static let cases: [(String, String)] = [
        ("invalid UTF-8", "text=%FF%FE"),
        ("overlong encoding", "text=%C0%AF"),
        ("encoded surrogate", "text=%ED%A0%80"),
        ("bad percent escape", "text=%G1"),
        ("truncated percent escape", "text=abc%4"),
        ("invalid UTF-8 in a name", "text=ok&%FF=1"),
        ("too many fields", "text=ok&" + Array(repeating: "x=1", count: 200).joined(separator: "&")),
        ("repeated text", "text=one&text=two"),
        ("repeated contact", "text=ok&contact=a&contact=b"),
    ]

    @Test(arguments: cases)
    func anUnreadableFormIsALocalisedBadRequestAndNothingIsStored(name: String, tail: String) async throws {
        let payload = "\(Self.validHead.encoded)&\(tail)"
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.post("/report?lang=ru", body: payload, contentType: formContentType)
        }
        #expect(response.status == .badRequest, "\(name)")
        #expect(htmlLanguage(of: response.text) == "ru")
        #expect(response.text.contains(try WebText.html("status.400.title", .ru)))
        #expect(try intake.spool.count() == 0)
    }

    /// A valid report without its text, contact and language.
    static var validHead: FormFields {
        var fields = Sample.en.fields
        for name in ["text", "contact", "lang"] { fields.remove(name) }
        return fields
    }

    @Test func theSameFormWithoutADefectIsAccepted() async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.post(
                "/report?lang=ru", body: "\(Self.validHead.encoded)&text=ok&contact=a", contentType: formContentType)
        }
        #expect(response.status == .seeOther)
        #expect(response.headers[.location]?.hasPrefix("/received/") == true)
        #expect(try intake.spool.count() == 1)
    }

    @Test func twoHundredFieldsAreStillAForm() async throws {
        var fields = Sample.en.fields
        while fields.pairs.count < URLEncodedForm.maxFields { fields.append("x", "1") }
        let intake = try await Intake.make()
        let response = try await intake.test { [fields] client in try await client.postForm(fields) }
        #expect(response.status == .accepted)
        #expect(try intake.spool.count() == 1)
    }
}

@Suite struct FormDecoding {
    @Test func pairsAreDecodedInOrder() throws {
        let pairs = try URLEncodedForm.decode(Array("&a=1&b=x+y%2B%26&a=&flag&=v&&c=d=e".utf8))
        #expect(pairs.map(\.name) == ["a", "b", "a", "flag", "", "c"])
        #expect(pairs.map(\.value) == ["1", "x y+&", "", "", "v", "d=e"])
    }

    @Test(arguments: [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x61, 0x80]] as [[UInt8]])
    func rawBytesThatAreNotUTF8AreRefusedToo(bytes: [UInt8]) {
        #expect(throws: FormDecodingError.invalidUTF8) { try URLEncodedForm.decode(Array("text=".utf8) + bytes) }
        #expect(throws: FormDecodingError.invalidUTF8) { try URLEncodedForm.decode(bytes + Array("=x".utf8)) }
    }

    @Test func multibyteTextSurvives() throws {
        let text = "Сәлем, мир 😢\r\nнов"
        let pairs = try URLEncodedForm.decode(Array("t=\(FormFields.encode(text))".utf8))
        #expect(pairs.first?.value == text)
        let raw = try URLEncodedForm.decode(Array("t=Сәлем".utf8))
        #expect(raw.first?.value == "Сәлем")
    }

    @Test(arguments: [
        ("%FF%FE", FormDecodingError.invalidUTF8),
        ("%C0%AF", .invalidUTF8),
        ("%E0%80%AF", .invalidUTF8),
        ("%ED%A0%80", .invalidUTF8),
        ("%F4%90%80%80", .invalidUTF8),
        ("%G1", .invalidPercentEncoding),
        ("%1", .invalidPercentEncoding),
        ("%", .invalidPercentEncoding),
    ])
    func malformedBytesAreRefused(value: String, error: FormDecodingError) {
        #expect(throws: error) { try URLEncodedForm.decode(Array("text=\(value)".utf8)) }
        #expect(throws: error) { try URLEncodedForm.decode(Array("\(value)=text".utf8)) }
    }

    @Test func theFieldCountIsBounded() throws {
        let limit = URLEncodedForm.maxFields
        let atLimit = Array(repeating: "x=1", count: limit).joined(separator: "&")
        #expect(try URLEncodedForm.decode(Array(atLimit.utf8)).count == limit)
        #expect(throws: FormDecodingError.tooManyFields(limit: limit)) {
            try URLEncodedForm.decode(Array((atLimit + "&y=2").utf8))
        }
    }
}

@Suite struct Honeypot {
    @Test(arguments: Language.allCases)
    func aFilledHoneypotIsThankedAndForgotten(language: Language) async throws {
        var fields = Sample.of(language).fields
        fields.set("website", "http://spam")
        let intake = try await Intake.make()
        let response = try await intake.test { [fields] client in try await client.postForm(fields) }
        #expect(response.status == .accepted)
        #expect(htmlLanguage(of: response.text) == language.rawValue)
        #expect(response.text.contains(try WebText.html("received_title", language)))
        #expect(try intake.spool.count() == 0)
    }

    @Test func anEmptyHoneypotIsAPerson() async throws {
        let intake = try await Intake.make()
        _ = try await intake.test { client in try await client.postForm(Sample.kk.fields) }
        #expect(try intake.spool.count() == 1)
    }
}

@Suite struct GlobalFloodCap {
    @Test(arguments: Language.allCases)
    func theThirdReportOverTheCapIsRefusedInTheReportersLanguage(language: Language) async throws {
        let intake = try await Intake.make {
            $0.globalPerMinute = 2
            $0.perClientPerMinute = 2
        }
        let fields = Sample.of(language).fields
        let headers: HTTPFields = [.acceptLanguage: language.rawValue]
        let statuses = try await intake.test { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<2 { statuses.append(try await client.postForm(fields, headers: headers).status) }
            let third = try await client.postForm(fields, headers: headers)
            #expect(htmlLanguage(of: third.text) == language.rawValue)
            #expect(third.text.contains(try WebText.html("status.429.title", language)))
            statuses.append(third.status)
            return statuses
        }
        #expect(statuses == [.accepted, .accepted, .tooManyRequests])
        #expect(try intake.spool.count() == 2)
    }

    @Test func theReportFormSendsItsLanguageWhereARefusalBeforeTheBodyCanSeeIt() async throws {
        // A reporter who picked Russian on a Kazakh phone must get the refusal in Russian, though the
        // intake answers 429 without reading the body that carries the form's hidden language field.
        let intake = try await Intake.make { $0.globalPerMinute = 1 }
        let kazakhPhone: HTTPFields = [.acceptLanguage: "kk-KZ,kk;q=0.9"]
        let third = try await intake.test { client in
            let form = try await client.get("/?lang=ru", headers: kazakhPhone).text
            let action = try #require(
                form.firstMatch(of: #/<form method="post" action="([^"]+)"/#).map { unescapeHTML(String($0.1)) })
            _ = try await client.postForm(Sample.ru.fields, to: action, headers: kazakhPhone)
            return try await client.postForm(Sample.ru.fields, to: action, headers: kazakhPhone)
        }
        #expect(third.status == .tooManyRequests)
        #expect(htmlLanguage(of: third.text) == "ru")
        #expect(try intake.spool.count() == 1)
    }

    @Test func theAPIIsCappedToo() async throws {
        let intake = try await Intake.make { $0.globalPerMinute = 2 }
        let responses = try await intake.test { client in
            var responses: [TestResponse] = []
            for _ in 0..<3 { responses.append(try await client.postJSON(Probe.validJSON)) }
            return responses
        }
        #expect(responses.map(\.status) == [.created, .created, .tooManyRequests])
        let body = try responses[2].json()
        #expect(body["status"] as? String == "error")
        // The refusal comes after the body is read, so it is in the language the report chose.
        #expect(body["message"] as? String == (try WebText.raw("status.429.message", .ru)))
        #expect(try intake.spool.count() == 2)
    }
}

/// Refused posts cannot close the door on a report (issue 13 §3): they never spend the budget that protects
/// storage, and are bounded apart, cheaply.
@Suite struct RefusalsApart {
    /// Posts that are not a report: wrong type, not a form, invalid, too large, a bot in the honeypot.
    func refusedPosts(_ client: any TestClientProtocol) async throws -> [HTTPResponse.Status] {
        var statuses: [HTTPResponse.Status] = []
        for _ in 0..<4 {
            statuses.append(try await client.post("/report", body: "text=a", contentType: "text/plain").status)
            statuses.append(try await client.postForm(["lang": "ru"]).status)
            statuses.append(
                try await client.post(
                    "/report", body: "text=" + String(repeating: "x", count: 5000),
                    contentType: "application/x-www-form-urlencoded"
                ).status)
            var bot = Sample.ru.fields
            bot.set("website", "http://spam.example")
            statuses.append(try await client.postForm(bot).status)
            statuses.append(try await client.postJSON("{").status)
        }
        return statuses
    }

    @Test func twentyRefusedPostsLeaveTheReportsBudgetWhole() async throws {
        // One client (as everyone is behind a proxy), two reports a minute.
        let intake = try await Intake.make {
            $0.maxBodyBytes = 4096
            $0.perClientPerMinute = 2
            $0.globalPerMinute = 2
        }
        let (refused, reports) = try await intake.test { client in
            let refused = try await refusedPosts(client)
            var reports: [HTTPResponse.Status] = []
            for _ in 0..<3 { reports.append(try await client.postForm(Sample.kk.fields).status) }
            return (refused, reports)
        }
        #expect(refused.count == 20)
        #expect(!refused.contains(.tooManyRequests))
        #expect(reports == [.accepted, .accepted, .tooManyRequests], "the budget counts reports only")
        #expect(try intake.spool.count() == 2)
    }

    @Test func pastTheirOwnBoundRefusalsAre429AndClosedWhileAReportIsStillTaken() async throws {
        let intake = try await Intake.make {
            $0.maxBodyBytes = 4096
            // The global bound: the in-process test client has no address, so no per-client bound applies.
            $0.refusalsPerMinute = 3
        }
        let (statuses, closing, report) = try await intake.test { client in
            var statuses: [HTTPResponse.Status] = []
            var closing: [String?] = []
            for _ in 0..<5 {
                let response = try await client.post("/report", body: "text=a", contentType: "text/plain")
                statuses.append(response.status)
                closing.append(response.headers[.connection])
            }
            let report = try await client.postForm(Sample.ru.fields)
            return (statuses, closing, report)
        }
        #expect(
            statuses == [
                .unsupportedMediaType, .unsupportedMediaType, .unsupportedMediaType, .tooManyRequests, .tooManyRequests,
            ])
        #expect(closing.suffix(2).allSatisfy { $0 == "close" })
        #expect(report.status == .accepted)
        #expect(htmlLanguage(of: report.text) == "ru")
        #expect(try intake.spool.count() == 1)
    }
}

/// What a confirmation's size and time tell someone who sees only the encrypted traffic (issue 13 §4).
@Suite struct WhatSizesTell {
    @Test func everyConfirmationHasOneSizeWhateverTheDangerAnswerTheLanguageOrAHoneypot() async throws {
        let intake = try await Intake.make()
        let sizes = try await intake.test { client in
            var sizes: [String: Int] = [:]
            for language in Language.allCases {
                for danger in ["yes", "no"] {
                    var fields = Sample.of(language).fields
                    fields.set("danger", danger)
                    let response = try await client.postForm(fields)
                    #expect(response.status == .accepted)
                    sizes["\(language) danger \(danger)"] = response.body.readableBytes
                }
                var bot = Sample.of(language).fields
                bot.set("website", "http://spam.example")
                sizes["\(language) honeypot"] = try await client.postForm(bot).body.readableBytes
            }
            return sizes
        }
        #expect(sizes.count == 9)
        #expect(Set(sizes.values).count == 1, "\(sizes)")
        #expect(try intake.spool.count() == 6)
    }

    @Test func thePaddingIsACommentThatKeepsThePageWhole() {
        let page = "<!doctype html><html><body><p>Қабылданды</p></body></html>\n"
        let padded = Pages.padded(page, to: page.utf8.count + 40)
        #expect(padded.utf8.count == page.utf8.count + 40)
        #expect(padded.hasSuffix("-->" + "</html>\n"))
        #expect(padded.replacingOccurrences(of: #"<!-- *-->"#, with: "", options: .regularExpression) == page)
    }

    @Test func aHoneypotWaitsAsLongAsStoresTakeLately() {
        let timer = StoreTimer()
        for _ in 0..<40 { timer.record(.milliseconds(120)) }
        #expect(timer.typical > .milliseconds(110) && timer.typical <= .milliseconds(120))
        for _ in 0..<40 { timer.record(.seconds(30)) }
        #expect(timer.typical == .seconds(1), "a stalled disk does not make a honeypot hold a connection long")
    }
}

/// A stored report is answered with a redirect to a confirmation shown once, so that the browser's history holds
/// no POST and Back brings back neither the confirmation nor a "Confirm form resubmission" page (issue 16).
@Suite struct ConfirmationShownOnce {
    @Test func aStoredReportIsRedirectedToAConfirmationThatIsShownOnceThenBlank() async throws {
        let intake = try await Intake.make()
        let (posted, first, second, guessed) = try await intake.test { client in
            var fields = Sample.ru.fields
            fields.set("danger", "yes")
            let posted = try await client.postFormOnly(fields)
            let location = posted.headers[.location] ?? ""
            let first = try await client.get(location)
            let second = try await client.get(location)
            let guessed = try await client.get(Confirmations.path(OnceTokens.make()))
            return (posted, first, second, guessed)
        }
        #expect(posted.status == .seeOther)
        let location = try #require(posted.headers[.location])
        #expect(location.wholeMatch(of: #/\/received\/[0-9a-f]{32}/#) != nil, "\(location)")
        #expect(posted.body.readableBytes == 0)
        #expect(first.status == .accepted)
        #expect(first.text.contains(try WebText.html("received_title", .ru)))
        #expect(first.text.contains("112"), "the in-danger confirmation leads with the emergency numbers")
        #expect(htmlLanguage(of: first.text) == "ru")
        for blank in [second, guessed] {
            #expect(blank.status == .ok)
            #expect(!blank.text.contains(try WebText.html("received_title", .ru)))
            #expect(blank.text.contains("<title>\(try WebText.html("exit_title", .kk))</title>"))
        }
        #expect(try intake.spool.count() == 1)
    }

    @Test func theQuickExitAsksTheBrowserToForgetTheSite() async throws {
        let intake = try await Intake.make()
        let exit = try await intake.test { client in try await client.get("/exit") }
        #expect(exit.status == .ok)
        #expect(exit.headers[HTTPField.Name("Clear-Site-Data")!] == #""cache", "storage""#)
        #expect(exit.headers[.cacheControl] == "no-store")
    }

    @Test func aConfirmationWaitsTenMinutesAtMost() {
        let clock = MutableDate(Date(timeIntervalSince1970: 1_800_000_000))
        let confirmations = Confirmations(now: { clock.value })
        let kept = confirmations.issue(.init(language: .kk, inDanger: false))
        let late = confirmations.issue(.init(language: .en, inDanger: true))
        #expect(confirmations.take(kept) == .init(language: .kk, inDanger: false))
        #expect(confirmations.take(kept) == nil, "once")
        clock.value += Confirmations.lifetime + 1
        #expect(confirmations.take(late) == nil, "expired")
        #expect(confirmations.take("not a token") == nil)
    }

    @Test func pastItsCapacityTheOldestWaitingConfirmationIsDropped() {
        let confirmations = Confirmations()
        let oldest = confirmations.issue(.init(language: .ru, inDanger: false))
        let next = confirmations.issue(.init(language: .ru, inDanger: true))
        for _ in 0..<(Confirmations.capacity - 1) { _ = confirmations.issue(.init(language: .kk, inDanger: false)) }
        #expect(confirmations.take(oldest) == nil)
        #expect(confirmations.take(next) == .init(language: .ru, inDanger: true))
    }
}

/// A date a test moves by hand.
final class MutableDate: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Date
    init(_ date: Date) { stored = date }
    var value: Date {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Sending the same filled form again — reloading the confirmation, a double tap — stores nothing new and gets the
/// same confirmation (issue 16).
@Suite struct SameFormTwice {
    static func once(in page: String) throws -> String {
        try #require(page.firstMatch(of: #/name="once" value="([0-9a-f]{32})"/#).map { String($0.1) })
    }

    @Test func aReloadOfTheConfirmationStoresNothingNewAndSaysTheSame() async throws {
        let intake = try await Intake.make()
        let (first, again, other, tokens) = try await intake.test { client in
            let form = try await client.get("/?lang=kk").text
            let token = try Self.once(in: form)
            let second = try Self.once(in: try await client.get("/?lang=kk").text)
            var fields = Sample.kk.fields
            fields.set("danger", "yes")
            fields.set("once", token)
            let first = try await client.postForm(fields)
            let again = try await client.postForm(fields)
            fields.set("once", second)
            let other = try await client.postForm(fields)
            return (first, again, other, [token, second])
        }
        #expect(tokens[0] != tokens[1], "each view of the form has its own value")
        #expect(
            first.status == .accepted && again.status == .accepted && other.status == .accepted, "each a confirmation")
        #expect(
            again.text.contains("class=\"danger\"") && first.text.contains("class=\"danger\""),
            "the same confirmation, danger answer included")
        #expect(again.text.contains(try WebText.html("receipt_again", .kk)), "its code is not shown again")
        #expect(first.text.contains(try WebText.html("received_title", .kk)))
        #expect(try intake.spool.count() == 2, "the form sent twice is one report; another view is another")
    }

    @Test func aFormShownAgainAfterAMistakeKeepsItsValueAndTwoValuesAreRefused() async throws {
        let intake = try await Intake.make()
        let (refused, twice) = try await intake.test { client in
            let token = try Self.once(in: try await client.get("/?lang=ru").text)
            let refused = try await client.postForm(["lang": "ru", "once": token])
            var fields = Sample.ru.fields
            fields.set("once", token)
            fields.append("once", OnceTokens.make())
            let twice = try await client.postForm(fields)
            return ((refused.status, try Self.once(in: refused.text) == token), twice.status)
        }
        #expect(refused.0 == .badRequest)
        #expect(refused.1, "the corrected form is sent with the same value")
        #expect(twice == .badRequest, "a value given twice is refused, as any repeated field")
        #expect(try intake.spool.count() == 0)
    }

    @Test func theValuesAreForgottenAfterADay() {
        let clock = Mutex(Date(timeIntervalSince1970: 1_795_000_000))
        let tokens = OnceTokens(now: { clock.withLock { $0 } })
        let token = OnceTokens.make()
        tokens.remember(token, inDanger: true)
        clock.withLock { $0 += 12 * 3600 }
        #expect(tokens.stored(token) == true, "kept into the next half-day")
        clock.withLock { $0 += 24 * 3600 }
        #expect(tokens.stored(token) == nil, "forgotten after that")
        #expect(OnceTokens.isToken(token) && !OnceTokens.isToken("ONCE") && !OnceTokens.isToken(token.uppercased()))
    }
}
