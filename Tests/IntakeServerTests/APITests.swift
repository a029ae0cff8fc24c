import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@Suite struct ReportsAPI {
    static let validJSON = """
        {"lang":"ru","reporter":"student-other","what":["cyberbullying","physical"],"where":"online",
        "when":"this-week","danger":true,"class":" 9 В ","text":"В чате травят одноклассницу.\\nОна плачет 😢",
        "names":"Алия","contact":"telegram @anon_parent"}
        """

    @Test func aValidReportIsCreatedAndSealed() async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.postJSON(Self.validJSON) }

        #expect(response.status == .created)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        let body = try response.json()
        #expect(body["status"] as? String == "received")
        #expect(body["message"] as? String == (try WebText.raw("received.message", .ru)))
        #expect(body["fields"] == nil)

        let expected = Report(
            language: .ru, receivedHour: fixedHour, reporter: .studentOther, what: [.physical, .cyberbullying],
            place: .online, timing: .thisWeek, inDanger: true, classOrGrade: "9 В",
            text: "В чате травят одноклассницу.\nОна плачет 😢", names: "Алия", contact: "telegram @anon_parent")
        #expect(try intake.openedReports() == [expected])
        #expect(try intake.spool.all().map(\.receivedDay) == [fixedDay])
    }

    @Test func theLanguageComesFromTheBodyThenTheHeader() async throws {
        let intake = try await Intake.make()
        let json = #"{"reporter":"staff","what":["other"],"danger":false,"text":"Hello"}"#
        let response = try await intake.test { client in
            try await client.postJSON(json, headers: [.acceptLanguage: "en-US"])
        }
        #expect(response.status == .created)
        #expect(try response.json()["message"] as? String == (try WebText.raw("received.message", .en)))
        #expect(try intake.openedReports().map(\.language) == [.en])
    }

    static let malformed: [(String, String)] = [
        ("danger as a string", #"{"reporter":"staff","what":["other"],"danger":"yes","text":"a"}"#),
        ("what as a string", #"{"reporter":"staff","what":"bullying","danger":false,"text":"a"}"#),
        ("text as a number", #"{"reporter":"staff","what":["other"],"danger":false,"text":5}"#),
        ("reporter as a list", #"{"reporter":["staff"],"what":["other"],"danger":false,"text":"a"}"#),
        ("what with a number", #"{"reporter":"staff","what":[1],"danger":false,"text":"a"}"#),
        ("not JSON", "reporter=staff&text=a"),
        ("truncated", #"{"reporter":"staff","what":["other"],"#),
        ("a list, not an object", #"["staff"]"#),
        ("empty", ""),
        ("invalid UTF-8 escape", #"{"reporter":"staff","what":["other"],"danger":false,"text":"\uD800"}"#),
        ("deep nesting inside", #"{"text":"# + String(repeating: "[", count: 100_000) + "}"),
        ("deep nesting, balanced", String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)),
        ("deep objects", String(repeating: #"{"a":"#, count: 20_000) + "1" + String(repeating: "}", count: 20_000)),
    ]

    @Test(arguments: malformed)
    func aBodyThatIsNotAReportObjectIsABadRequestInJSON(name: String, json: String) async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.postJSON(json, headers: [.acceptLanguage: "ru"])
        }
        #expect(response.status == .badRequest, "\(name)")
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        let body = try response.json()
        #expect(body["status"] as? String == "error")
        #expect(body["message"] as? String == (try WebText.raw("status.400.message", .ru)))
        #expect(try intake.spool.count() == 0)
    }

    @Test(arguments: Language.allCases)
    func missingAnswersAreEachNamedInTheAskedLanguage(language: Language) async throws {
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.postJSON("{}", headers: [.acceptLanguage: language.rawValue])
        }
        #expect(response.status == .badRequest)
        let body = try response.json()
        #expect(body["status"] as? String == "error")
        #expect(body["message"] as? String == (try WebText.raw("error.summary_heading", language)))
        let fields = try #require(body["fields"] as? [String: String])
        #expect(
            fields == [
                "reporter": try WebText.raw("error.required", language),
                "what": try WebText.raw("error.choose_at_least_one", language),
                "danger": try WebText.raw("error.required", language),
                "text": try WebText.raw("error.required", language),
            ])
        #expect(try intake.spool.count() == 0)
    }

    @Test func eachWrongAnswerIsNamedInTheBodysLanguage() async throws {
        let json = """
            {"lang":"kk","reporter":"teacher","what":["bullying","aliens"],"where":"moon","when":"yesterday",
            "danger":false,"class":"\(String(repeating: "9", count: 21))","text":"a\\u0007b"}
            """
        let intake = try await Intake.make()
        let response = try await intake.test { client in
            try await client.postJSON(json, headers: [.acceptLanguage: "en"])
        }
        #expect(response.status == .badRequest)
        let fields = try #require(try response.json()["fields"] as? [String: String])
        let unknown = try WebText.raw("error.unknown_choice", .kk)
        #expect(
            fields == [
                "reporter": unknown, "what": unknown, "where": unknown, "when": unknown,
                "class": try WebText.raw("error.too_long", .kk).replacingOccurrences(of: "{max}", with: "20"),
                "text": try WebText.raw("error.invalid_text", .kk),
            ])
        #expect(try intake.spool.count() == 0)
    }

    @Test func theAPIAnswers503WhenTheSpoolCannotCommit() async throws {
        let intake = try await Intake.make()
        try await intake.breakSpool()
        let response = try await intake.test { client in
            try await client.postJSON(Self.validJSON, headers: [.acceptLanguage: "en"])
        }
        #expect(response.status == .serviceUnavailable)
        let body = try response.json()
        #expect(body["status"] as? String == "error")
        #expect(body["message"] as? String == (try WebText.raw("status.503.message", .ru)))
        #expect(try intake.spool.count() == 0)
    }
}
