import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import ReportFormat
import Spool
import TestSupport
import Testing

/// The receipt code and the check page of issue 17, through the intake's real router.
@Suite struct ReceiptAndCheckTests {
    /// The code a confirmation page shows, read as a person reads it.
    static func code(in page: String) throws -> ReceiptCode {
        let groups = page.matches(of: #/<span>([0-9]{4})</span>/#).map { String($0.1) }
        #expect(groups.count == 7, "seven groups of four on the page")
        return try ReceiptCode.parse(groups.joined(separator: " ")).get()
    }

    static func checkForm(_ code: String, lang: String = "ru") -> FormFields { ["lang": lang, "code": code] }

    @Test(arguments: Language.allCases)
    func aStoredReportShowsItsCodeOnceAndSealsItsMailboxInside(language: Language) async throws {
        let intake = try await Intake.make()
        let (page, again) = try await intake.test { client in
            let posted = try await client.postFormOnly(Sample.of(language).fields)
            let location = posted.headers[.location] ?? ""
            return (try await client.get(location).text, try await client.get(location).text)
        }
        let code = try Self.code(in: page)
        #expect(page.contains(try WebText.html("receipt_write_down", language)))
        #expect(page.contains(try WebText.html("receipt_never_in_message", language)))
        #expect(page.contains(try WebText.html("receipt_lost", language)))
        #expect(page.contains("href=\"/check?lang=\(language.rawValue)\""))
        #expect(!again.contains(code.groups[0] + "</span>"), "shown once")

        let report = try #require(try intake.openedReports().first)
        #expect(report.mailbox == Data(code.mailboxID).hexString)
        #expect(report.replyKey == Data(code.replyPublicKey).hexString)
        let mailboxes = try intake.spool.mailboxes()
        #expect(mailboxes == [MailboxRow(id: Data(code.mailboxID), day: "2026-11-22")])
        // The code itself is in no stored row: neither its digits nor its groups.
        for entry in try intake.spool.all() {
            #expect(entry.envelope.range(of: Data(code.digits.utf8)) == nil)
        }
    }

    @Test func aFormSentAgainIsToldItsCodeWasShownTheFirstTimeAndMakesNoSecondMailbox() async throws {
        let intake = try await Intake.make()
        var fields = Sample.ru.fields
        fields.set("once", OnceTokens.make())
        let (first, again) = try await intake.test { [fields] client in
            (try await client.postForm(fields).text, try await client.postForm(fields).text)
        }
        _ = try Self.code(in: first)
        #expect(again.contains(try WebText.html("receipt_again", .ru)))
        #expect(again.firstMatch(of: #/<span>[0-9]{4}</span>/#) == nil)
        #expect(try intake.spool.mailboxes().count == 1)
    }

    @Test func aBotInTheHoneypotGetsACodeOfTheSameShapeThatOpensNothing() async throws {
        let intake = try await Intake.make()
        var bot = Sample.ru.fields
        bot.set("website", "http://spam.example")
        let (page, checked) = try await intake.test { [bot] client in
            let page = try await client.postForm(bot).text
            let code = try Self.code(in: page)
            return (page, try await client.postForm(Self.checkForm(code.grouped), to: "/check"))
        }
        #expect(page.contains(try WebText.html("receipt_heading", .ru)))
        #expect(checked.status == .notFound)
        #expect(try intake.spool.mailboxes().isEmpty)
    }

    @Test func theCheckPageFindsTheReportByItsCodeOnAOneTimePage() async throws {
        let intake = try await Intake.make()
        let (form, posted, found, twice) = try await intake.test { client in
            let form = try await client.get("/check?lang=kk")
            let code = try Self.code(in: try await client.postForm(Sample.kk.fields).text)
            let posted = try await client.postFormOnly(Self.checkForm(code.grouped, lang: "kk"), to: "/check")
            let location = posted.headers[.location] ?? ""
            return (form, posted, try await client.get(location), try await client.get(location))
        }
        #expect(form.status == .accepted)
        #expect(form.text.contains("inputmode=\"numeric\""))
        #expect(form.text.contains("action=\"/check?lang=kk\"") && form.text.contains("method=\"post\""))
        #expect(posted.status == .seeOther)
        let location = try #require(posted.headers[.location])
        #expect(location.wholeMatch(of: #/\/checked\/[0-9a-f]{32}/#) != nil, "no code in the URL: \(location)")
        #expect(found.status == .accepted)
        #expect(found.text.contains("22.11.2026"), "the day received")
        #expect(found.text.contains(try WebText.html("state.received", .kk)))
        #expect(found.text.contains("20.02.2027"), "kept 90 days after its last use")
        #expect(!twice.text.contains(try WebText.html("state.received", .kk)), "shown once")
    }

    @Test(arguments: [
        ("", "check_error.empty", 400),
        ("9976 8029 abcd", "check_error.not_digits", 400),
        ("1234 5678", "check_error.length", 400),
        ("9976 8029 7207 8984 9880 2633 9225", "check_error.typo", 400),
        ("9976 8029 7207 8984 9880 2633 9224", "check_error.unknown", 404),
    ])
    func aCodeThatFindsNothingIsToldWhyInTheChildsLanguage(typed: String, key: String, status: Int) async throws {
        let intake = try await Intake.make()
        let answer = try await intake.test { client in
            try await client.postForm(Self.checkForm(typed), to: "/check")
        }
        #expect(answer.status.code == status)
        let message = try WebText.html(key, .ru).replacingOccurrences(of: "{count}", with: "8")
        #expect(answer.text.contains(message), "\(key)")
        #expect(answer.text.contains("name=\"code\""), "the form again")
        #expect(!answer.text.contains("value=\"\(typed)\"") || typed.isEmpty, "what was typed is not echoed")
    }

    @Test func aMailboxUnusedForItsDaysIsGoneAndAnsweredAsNeverMade() async throws {
        let clock = MutableDate(IntakeClock.now)
        let intake = try await Intake.make(clock: .custom { clock.value }) { $0.mailboxDays = 3 }
        let code = try await intake.test { client in
            try Self.code(in: try await client.postForm(Sample.ru.fields).text)
        }
        clock.value += 2 * 86400
        let kept = try await intake.test { client in
            try await client.postFormOnly(Self.checkForm(code.grouped), to: "/check")
        }
        #expect(kept.status == .seeOther, "used within its days: kept, and its days start again")
        clock.value += 4 * 86400
        let gone = try await intake.test { client in
            try await client.postForm(Self.checkForm(code.grouped), to: "/check")
        }
        #expect(gone.status == .notFound)
        #expect(gone.text.contains(try WebText.html("check_error.unknown", .ru)))
        #expect(try intake.spool.mailboxes().isEmpty, "deleted, not only hidden")
    }

    @Test func checksAreBoundedLikeRefusals() async throws {
        let intake = try await Intake.make { $0.refusalsPerMinute = 3 }
        let statuses = try await intake.test { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                statuses.append(
                    try await client.postForm(Self.checkForm(ReceiptCode.generate().grouped), to: "/check").status)
            }
            return statuses
        }
        #expect(statuses == [.notFound, .notFound, .notFound, .tooManyRequests, .tooManyRequests])
    }
}
