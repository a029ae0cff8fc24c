import ReportFormat
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
