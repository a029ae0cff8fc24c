import Foundation
import ReportFormat
import TestSupport
import Testing

private func valid() -> ReportSubmission {
    var s = ReportSubmission()
    s.reporter = ["student-self"]
    s.what = ["bullying"]
    s.danger = ["no"]
    s.text = "Мені сыныпта мазақ етеді."
    return s
}

@Suite struct SubmissionValidation {
    let hour = "2026-11-22T03:00:00Z"

    @Test func aMinimalSubmissionIsAReport() throws {
        let report = try valid().validate(language: .kk, receivedHour: hour).get()
        #expect(report.reporter == .studentSelf)
        #expect(report.what == [.bullying])
        #expect(report.inDanger == false)
        #expect(report.place == nil && report.timing == nil && report.names == nil && report.contact == nil)
        #expect(report.language == .kk && report.receivedHour == hour)
    }

    @Test func missingRequiredFieldsAreEachNamedInFormOrder() {
        guard case .failure(let failure) = ReportSubmission().validate(language: .en, receivedHour: hour) else {
            Issue.record("an empty submission was accepted")
            return
        }
        #expect(failure.problems.map(\.field) == [.reporter, .what, .danger, .text])
        #expect(failure.problem(for: .what) == .chooseAtLeastOne)
        #expect(failure.problem(for: .text) == .required)
    }

    @Test func whitespaceOnlyTextIsMissing() {
        var s = valid()
        s.text = "  \n\t "
        #expect(s.validate(language: .en, receivedHour: hour).failureProblem(.text) == .required)
    }

    @Test func unknownChoicesAreRefused() {
        var s = valid()
        s.reporter = ["teacher"]
        s.what = ["bullying", "aliens"]
        s.place = ["moon"]
        let result = s.validate(language: .en, receivedHour: hour)
        #expect(result.failureProblem(.reporter) == .unknownChoice)
        #expect(result.failureProblem(.what) == .unknownChoice)
        #expect(result.failureProblem(.where) == .unknownChoice)
    }

    @Test func aRepeatedSingleChoiceIsRefused() {
        var s = valid()
        s.danger = ["yes", "no"]
        #expect(s.validate(language: .en, receivedHour: hour).failureProblem(.danger) == .chooseOne)
    }

    @Test func tooLongTextNamesTheLimit() {
        var s = valid()
        s.text = String(repeating: "ж", count: 20_001)
        #expect(s.validate(language: .en, receivedHour: hour).failureProblem(.text) == .tooLong(max: 20_000))
        s.text = String(repeating: "ж", count: 20_000)
        #expect(throws: Never.self) { try s.validate(language: .en, receivedHour: hour).get() }
    }

    @Test func controlCharactersAreRefusedButNewlinesKept() throws {
        var s = valid()
        s.text = "line\u{0}two"
        #expect(s.validate(language: .en, receivedHour: hour).failureProblem(.text) == .invalidText)
        s.text = "first line\r\nsecond\tline"
        #expect(try s.validate(language: .en, receivedHour: hour).get().text == "first line\nsecond\tline")
    }

    /// C1 controls drive a terminal as C0 ones do (U+009B is CSI); the intake refuses both (issue 13).
    @Test(arguments: ["\u{80}", "\u{85}", "\u{9B}2J", "\u{9D}0;title\u{9C}", "\u{9F}", "\u{1B}[8m", "\u{7F}"])
    func c0AndC1ControlsAreRefused(control: String) {
        var s = valid()
        s.text = "someone has a knife \(control) hidden"
        #expect(s.validate(language: .en, receivedHour: hour).failureProblem(.text) == .invalidText)
    }

    /// U+00A0 (no-break space) and letters just past the C1 block stay allowed.
    @Test func textJustOutsideC1IsKept() throws {
        var s = valid()
        s.text = "a\u{A0}b \u{A1} ё"
        #expect(try s.validate(language: .en, receivedHour: hour).get().text == "a\u{A0}b \u{A1} ё")
    }

    @Test(arguments: [
        ("a\r\nb", "a\nb"), ("a\rb", "a\nb"), ("a\r\rb", "a\n\nb"), ("a\r\r\nb", "a\n\nb"),
        ("a\n\rb", "a\n\nb"), ("a\r", "a\n"), ("\r\na", "\na"), ("қаз\r\nорыс", "қаз\nорыс"),
    ])
    func everyLineEndingBecomesLF(raw: String, expected: String) throws {
        var s = valid()
        s.text = raw
        #expect(try s.validate(language: .en, receivedHour: hour).get().text == expected)
    }

    @Test func shortFieldsAreTrimmedOfEveryKindOfSpaceButTheTextIsKeptAsWritten() throws {
        var s = valid()
        s.contact = "\u{3000}\u{A0} @aigerim\t\u{2028}\n"
        s.classOrGrade = "\u{200A}7Б "
        s.text = "  two leading spaces\n"
        let report = try s.validate(language: .en, receivedHour: hour).get()
        #expect(report.contact == "@aigerim")
        #expect(report.classOrGrade == "7Б")
        #expect(report.text == "  two leading spaces\n")
    }

    @Test func textOfOnlySpacesAndLineEndingsIsMissing() {
        var s = valid()
        s.text = " \r\n\u{A0}\u{3000}\r"
        #expect(s.validate(language: .en, receivedHour: hour).failureProblem(.text) == .required)
    }

    @Test func aContactOfOnlySpacesIsNoContact() throws {
        var s = valid()
        s.contact = "\u{2029}\u{A0} "
        #expect(try s.validate(language: .en, receivedHour: hour).get().contact == nil)
    }

    @Test func concernsKeepFormOrderWithoutRepeats() throws {
        var s = valid()
        s.what = ["cyberbullying", "physical", "cyberbullying"]
        #expect(try s.validate(language: .en, receivedHour: hour).get().what == [.physical, .cyberbullying])
    }

    @Test func dangerYesIsInDanger() throws {
        var s = valid()
        s.danger = ["yes"]
        #expect(try s.validate(language: .en, receivedHour: hour).get().inDanger)
    }
}

extension Result where Success == Report, Failure == ValidationFailure {
    func failureProblem(_ field: ReportField) -> FieldProblem? {
        if case .failure(let failure) = self { return failure.problem(for: field) }
        return nil
    }
}

/// `Data(hex:)` parses what outside parties send (collect ids, collection answers): no input may trap it.
@Suite struct HexParsing {
    @Test(arguments: ["ж", "aж", "жa", "00ж", "é0", "0é", "\u{1F600}", "abc", "zz", "0g", " 0", "00\u{301}"])
    func nonHexIsRefusedWithoutTrapping(input: String) {
        #expect(Data(hex: input) == nil)
    }

    @Test func hexOfEitherCaseRoundTrips() {
        let bytes = Data([0x00, 0x0f, 0xa5, 0xff, 0x10])
        #expect(Data(hex: bytes.hexString) == bytes)
        #expect(Data(hex: bytes.hexString.uppercased()) == bytes)
        #expect(Data(hex: "") == Data())
    }
}

/// An opened payload is held to the rules the intake enforces (issue 13): one that the real intake could not
/// have sealed does not decode.
@Suite struct PayloadRules {
    static func report() -> Report {
        sampleReport(
            "У него нож.", reporter: .studentSelf, what: [.physical, .bullying], timing: .today, inDanger: true,
            classOrGrade: "7Б")
    }

    @Test func aReportTheIntakeWouldSealDecodes() throws {
        #expect(try Report(paddedPayload: try Self.report().paddedPayload()) == Self.report())
    }

    static let breaches: [(String, String)] = [
        ("received", "minute"), ("received", "second"), ("received", "word"), ("what", "repeat"),
        ("what", "order"), ("what", "none"), ("text", "esc"), ("text", "c1"), ("text", "blank"),
        ("class", "empty"), ("class", "long"), ("contact", "padded"), ("names", "nul"),
    ]

    @Test(arguments: breaches)
    func aPayloadThatBreaksTheFormatIsRefused(field: String, breach: String) throws {
        var report = Self.report()
        switch breach {
        case "minute": report.receivedHour = "2026-11-22T03:17:00Z"
        case "second": report.receivedHour = "2026-11-22T03:00:05Z"
        case "word": report.receivedHour = "yesterday"
        case "repeat": report.what = [.bullying, .bullying]
        case "order": report.what = [.bullying, .physical]
        case "none": report.what = []
        case "esc": report.text = "knife\u{1B}[8m hidden"
        case "c1": report.text = "knife\u{9B}8m hidden"
        case "blank": report.text = "   "
        case "empty": report.classOrGrade = ""
        case "long": report.classOrGrade = String(repeating: "7", count: 21)
        case "padded": report.contact = " padded "
        default: report.names = "a\u{0}b"
        }
        let padded = try report.paddedPayload()
        #expect(throws: PayloadError.breaksFormat(field)) { try Report(paddedPayload: padded) }
    }
}

/// `KeyID(hex:)` parses what a key file or a request names: no input may trap it.
@Suite struct KeyIDHexParsing {
    @Test(arguments: ["0123456789abcdж", "жжжжжжжж", "0123456789abcdeж", "0123456789abcdef0", "0123456789abcdeg", ""])
    func notSixteenHexDigitsIsRefusedWithoutTrapping(input: String) {
        #expect(KeyID(hex: input) == nil)
    }

    @Test func sixteenHexDigitsOfEitherCaseParse() throws {
        let id = try #require(KeyID(hex: "0123456789ABCDEF"))
        #expect(id.hex == "0123456789abcdef")
        #expect(KeyID(hex: id.hex) == id)
    }
}

/// A collect answer as `senim pull` reads it from an intake it does not trust (issue 13 §2).
@Suite struct CollectAnswerParsing {
    let id = "00112233445566778899aabbccddeeff"
    let envelope = Data("SENIM envelope bytes".utf8).base64EncodedString()

    func answer(_ items: [[String: Any]], more: Bool = false) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["items": items, "more": more])
    }

    @Test func anIntakesItemIsTakenAsItWasSent() throws {
        let page = try #require(
            CollectionAPI.answer(from: try answer([["id": id, "day": "2026-12-03", "envelope": envelope]], more: true)))
        #expect(page.more)
        #expect(page.items.count == 1)
        #expect(page.items[0].id == Data(hex: id))
        #expect(page.items[0].day == "2026-12-03")
        #expect(page.items[0].envelope == Data("SENIM envelope bytes".utf8))
    }

    @Test(arguments: [
        ["id": "0011", "day": "2026-12-03"],  // not 16 bytes
        ["id": "00112233445566778899aabbccddeefж", "day": "2026-12-03"],  // not hex
        ["id": "00112233445566778899aabbccddeeff", "day": "2026-13-03"],  // no such month
        ["id": "00112233445566778899aabbccddeeff", "day": "2026-12-03\u{1B}[2J"],  // more than a day
        ["id": "00112233445566778899aabbccddeeff", "day": "2026-12-03T10"],
    ])
    func anItemThatIsNotWhatAnIntakeSendsIsLeftOut(_ fields: [String: String]) throws {
        var item: [String: Any] = fields
        item["envelope"] = envelope
        let page = try #require(CollectionAPI.answer(from: try answer([item])))
        #expect(page.items.isEmpty)
    }

    @Test func anEnvelopeThatIsNotBase64IsLeftOutAndSomethingElseIsNoAnswer() throws {
        let page = try #require(
            CollectionAPI.answer(from: try answer([["id": id, "day": "2026-12-03", "envelope": "%%%"]])))
        #expect(page.items.isEmpty)
        #expect(CollectionAPI.answer(from: Data("{\"items\":7}".utf8)) == nil)
        #expect(CollectionAPI.answer(from: Data([0xFF, 0xFE])) == nil)
    }

    @Test func aDayIsExactlyWhatAnIntakeWrites() {
        #expect(Report.isDay("2026-12-03"))
        #expect(Report.isDay("2028-02-29"))
        #expect(!Report.isDay("2026-02-29"))
        #expect(!Report.isDay("2026-1-03"))
        #expect(!Report.isDay("２０２６-12-03"))
    }
}
