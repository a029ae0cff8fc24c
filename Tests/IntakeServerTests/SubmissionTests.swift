import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@Suite struct FormSubmission {
    @Test(arguments: Sample.all)
    func aValidReportIsSealedStoredAndAcknowledgedInItsLanguage(sample: Sample) async throws {
        let intake = try await Intake.make(onDisk: true)
        let response = try await intake.test { client in try await client.postForm(sample.fields) }

        #expect(response.status == .accepted)
        #expect(htmlLanguage(of: response.text) == sample.language.rawValue)
        #expect(response.text.contains(try WebText.html("received_title", sample.language)))

        let entries = try intake.spool.all()
        let entry = try #require(entries.first)
        #expect(entries.count == 1)
        #expect(entry.id.count == 16)
        #expect(entry.receivedDay == fixedDay)
        #expect(Array(entry.keyID) == (try TestKeys.publicKey().keyID.bytes))

        let opened = try TestKeys.keyPair().open(Envelope(parsing: entry.envelope))
        #expect(opened.withoutReplyAddress == sample.expected)
        #expect(opened.mailbox != nil && opened.replyKey != nil, "a form report carries its reply address")
        #expect(opened.receivedHour == fixedHour)
        #expect(opened.language == sample.language)

        for word in sample.privateWords {
            #expect(!bytes(Array(entry.envelope), contain: Array(word.utf8)), "envelope shows \(word)")
        }
    }

    @Test(arguments: Sample.all)
    func theSpoolFilesHoldNoneOfTheReportersWords(sample: Sample) async throws {
        let intake = try await Intake.make(onDisk: true)
        let response = try await intake.test { client in try await client.postForm(sample.fields) }
        #expect(response.status == .accepted)
        #expect(try intake.spool.count() == 1)

        let path = try #require(intake.spoolPath)
        var files: [String: [UInt8]] = [:]
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            files[suffix] = Array(try Data(contentsOf: URL(fileURLWithPath: path + suffix)))
        }
        // Positive control: the envelope really is in these files, so a search that finds nothing means something.
        let envelope = try #require(intake.spool.all().first?.envelope)
        #expect(files.values.contains { bytes($0, contain: Array(envelope.prefix(64))) })
        #expect(!sample.privateWords.isEmpty)
        for (suffix, content) in files {
            for word in sample.privateWords {
                #expect(!bytes(content, contain: Array(word.utf8)), "spool.sqlite\(suffix) shows \(word)")
            }
        }
    }

    @Test func aSpoolRowHasOnlyTheFourColumnsOfTheDesign() async throws {
        let intake = try await Intake.make(onDisk: true)
        _ = try await intake.test { client in try await client.postForm(Sample.ru.fields) }
        let (tables, columns) = try await intake.spool.writer.read { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
                try Row.fetchAll(db, sql: "SELECT * FROM envelope").map { Array($0.columnNames) }
                    + Row.fetchAll(db, sql: "SELECT * FROM mailbox").map { Array($0.columnNames) }
            )
        }
        #expect(tables == ["envelope", "grdb_migrations", "mailbox"])
        // A mailbox is its ID and two days (issue 17): nothing names the envelope, the time or the reporter.
        #expect(columns == [["id", "received_day", "key_id", "envelope"], ["id", "created_day", "used_day"]])
    }

    @Test func aReportInDangerLeadsWithTheEmergencyNumbers() async throws {
        var fields = Sample.ru.fields
        fields.set("danger", "yes")
        let intake = try await Intake.make()
        let page = try await intake.test { [fields] client in try await client.postForm(fields) }.text

        let emergency = try #require(page.range(of: "tel:112"))
        let thanks = try #require(page.range(of: try WebText.html("received_title", .ru)))
        #expect(emergency.lowerBound < thanks.lowerBound)
        #expect(page.contains(try WebText.html("received_danger_lead", .ru)))
        #expect(try intake.openedReports().map(\.inDanger) == [true])
    }

    @Test func aReportNotInDangerLeadsWithTheThanks() async throws {
        let intake = try await Intake.make()
        let page = try await intake.test { client in try await client.postForm(Sample.ru.fields) }.text

        let emergency = try #require(page.range(of: "tel:112"))
        let thanks = try #require(page.range(of: try WebText.html("received_title", .ru)))
        #expect(thanks.lowerBound < emergency.lowerBound)
        #expect(!page.contains(try WebText.html("received_danger_lead", .ru)))
        #expect(try intake.openedReports().map(\.inDanger) == [false])
    }

    @Test func optionalAnswersLeftOutAreAbsentFromTheReport() async throws {
        let fields: FormFields = [
            "lang": "kk", "reporter": "other", "what": "self-harm", "danger": "no", "text": "  Көмектесіңізші  ",
            "class": "   ", "names": "", "contact": "",
        ]
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.postForm(fields) }
        #expect(response.status == .accepted)
        let report = try #require(try intake.openedReports().first)
        #expect(report.place == nil && report.timing == nil)
        #expect(report.classOrGrade == nil && report.names == nil && report.contact == nil)
        // The reporter's own words are kept as typed, spaces included.
        #expect(report.text == "  Көмектесіңізші  ")
        #expect(report.what == [.selfHarm])
    }

    @Test(arguments: Language.allCases)
    func whenTheSpoolCannotCommitTheReporterIsToldNothingWasSaved(language: Language) async throws {
        let intake = try await Intake.make()
        try await intake.breakSpool()
        let response = try await intake.test { client in try await client.postForm(Sample.of(language).fields) }

        #expect(response.status == .serviceUnavailable)
        #expect(htmlLanguage(of: response.text) == language.rawValue)
        #expect(response.text.contains(try WebText.html("status.503.message", language)))
        #expect(!response.text.contains(try WebText.html("received_title", language)))
        #expect(try intake.spool.count() == 0)
    }
}

/// The ways a submission can be refused by validation, each with the field and message it must show.
enum InvalidSubmission: String, CaseIterable, Sendable {
    case missingText
    case unknownConcern
    case tooLongText
    case dangerTwice

    func fields(_ language: Language) -> FormFields {
        var fields: FormFields = [
            "lang": language.rawValue, "reporter": "parent", "what": "bullying", "where": "home", "when": "today",
            "danger": "yes", "class": "5 А", "text": "Текст <b>\"жирный\"</b> & 'кавычки'\r\nвторая строка 😢",
            "names": "Айгерим & <Ко>", "contact": "\"+7 701\" & 'чат'", "website": "",
        ]
        switch self {
        case .missingText: fields.set("text", " \r\n ")
        case .unknownConcern: fields.append("what", "aliens")
        case .tooLongText: fields.set("text", String(repeating: "ж", count: 20_001))
        case .dangerTwice: fields.append("danger", "no")
        }
        return fields
    }

    var field: String {
        switch self {
        case .missingText, .tooLongText: "text"
        case .unknownConcern: "what"
        case .dangerTwice: "danger"
        }
    }

    func message(_ language: Language) throws -> String {
        switch self {
        case .missingText: try WebText.html("error.required", language)
        case .unknownConcern: try WebText.html("error.unknown_choice", language)
        case .tooLongText:
            try WebText.html("error.too_long", language).replacingOccurrences(of: "{max}", with: "20000")
        case .dangerTwice: try WebText.html("error.choose_one", language)
        }
    }

    /// The line of the error summary: the question named, in the child's voice.
    func summaryLine(_ language: Language) throws -> String {
        switch self {
        case .missingText: try WebText.html("summary.text", language)
        case .unknownConcern: try WebText.html("summary.what", language)
        case .tooLongText: try WebText.html("q_text", language) + ": " + (try message(language))
        case .dangerTwice: try WebText.html("summary.danger", language)
        }
    }

    /// The ids of the controls that must be marked `aria-invalid`.
    var invalidControls: [String] {
        switch self {
        case .missingText, .tooLongText: ["field-text"]
        case .unknownConcern: Concern.allCases.map { "what-\($0.rawValue)" }
        case .dangerTwice: ["danger-yes", "danger-no"]
        }
    }
}

@Suite struct FormValidation {
    @Test(arguments: InvalidSubmission.allCases, Language.allCases)
    func anInvalidReportComesBackWithEveryAnswerKeptAndTheProblemNamed(
        problem: InvalidSubmission, language: Language
    ) async throws {
        let fields = problem.fields(language)
        let intake = try await Intake.make()
        let response = try await intake.test { client in try await client.postForm(fields) }
        let page = response.text

        #expect(response.status == .badRequest)
        #expect(htmlLanguage(of: page) == language.rawValue)
        #expect(page.contains("<form method=\"post\""))
        #expect(try intake.spool.count() == 0)

        // The localised message sits next to its field, and the field is marked invalid and linked to it.
        let message = try problem.message(language)
        let errorParagraph = try #require(
            text(from: "<p class=\"error\" id=\"\(problem.field)-error\">", to: "</p>", in: page))
        #expect(errorParagraph.contains(message))
        #expect(page.contains("<li><a href=\"#field-\(problem.field)\">\(try problem.summaryLine(language))</a></li>"))
        for id in problem.invalidControls {
            let tag =
                id == "field-text"
                ? try #require(page.firstMatch(of: #/<textarea id="field-text"[^>]*>/#).map { String($0.0) })
                : try #require(inputTag(id: id, in: page))
            #expect(tag.contains("aria-invalid=\"true\""), "\(id) is not marked invalid")
            if id == "field-text" { #expect(attribute("aria-describedby", of: tag)?.contains("text-error") == true) }
        }

        // Everything typed or chosen is put back.
        func submitted(_ name: String) -> String? { fields.pairs.first { $0.name == name }?.value }
        #expect(textareaContent(id: "field-text", in: page) == submitted("text"))
        #expect(textareaContent(id: "field-names", in: page) == submitted("names"))
        #expect(inputTag(id: "field-class", in: page).flatMap { attribute("value", of: $0) } == submitted("class"))
        #expect(inputTag(id: "field-contact", in: page).flatMap { attribute("value", of: $0) } == submitted("contact"))
        #expect(inputTag(id: "field-website", in: page).flatMap { attribute("value", of: $0) } == "")
        #expect(inputTag(id: "field-text", in: page) == nil)
        #expect(isChecked("reporter-parent", in: page) == true)
        #expect(isChecked("reporter-staff", in: page) == false)
        #expect(isChecked("what-bullying", in: page) == true)
        #expect(isChecked("what-physical", in: page) == false)
        #expect(isChecked("where-home", in: page) == true)
        #expect(isChecked("where-school", in: page) == false)
        #expect(isChecked("when-today", in: page) == true)
        #expect(isChecked("danger-yes", in: page) == true)
        #expect(isChecked("danger-no", in: page) == (problem == .dangerTwice))
        #expect(page.contains("<input type=\"hidden\" name=\"lang\" value=\"\(language.rawValue)\">"))
    }

    @Test func typedMarkupIsShownAsTextNeverAsMarkup() async throws {
        var fields = InvalidSubmission.missingText.fields(.en)
        fields.set("names", "</textarea><script>alert(1)</script>")
        fields.set("contact", "\"><img src=x onerror=alert(1)>")
        let intake = try await Intake.make()
        let page = try await intake.test { [fields] client in try await client.postForm(fields) }.text

        #expect(!page.contains("<script"))
        #expect(!page.contains("<img"))
        #expect(page.contains("&lt;/textarea&gt;&lt;script&gt;"))
        #expect(
            inputTag(id: "field-contact", in: page).flatMap { attribute("value", of: $0) }
                == fields.pairs.first {
                    $0.name == "contact"
                }?.value)
    }

    @Test func aQuoteBeforeACombiningMarkCannotCloseAnAttribute() async throws {
        // `"` + U+0301 is one Swift Character; swift-mustache's escaping let it through unescaped.
        let typed = "x\"\u{301} autofocus onfocus=alert(1) data-x=\""
        var fields = InvalidSubmission.missingText.fields(.en)
        fields.set("class", typed)
        let contact = "'\u{301} onfocus=alert(2) '\"\u{20DD}>"
        fields.set("contact", contact)
        let intake = try await Intake.make()
        let page = try await intake.test { [fields] client in try await client.postForm(fields) }.text

        // (Literals with a combining mark after a quote are kept out of `#expect`, whose expansion breaks on them.)
        let rawQuoteBeforeMark = "\"\u{301}"
        #expect(!page.contains(rawQuoteBeforeMark), "no raw quote before the combining mark")
        // Each value attribute holds exactly what was typed: a raw quote would have ended it early.
        let classTag = try #require(inputTag(id: "field-class", in: page))
        #expect(attribute("value", of: classTag) == typed)
        let contactTag = try #require(inputTag(id: "field-contact", in: page))
        #expect(attribute("value", of: contactTag) == contact)
    }

    @Test func everyMissingRequiredAnswerIsListedInFormOrder() async throws {
        let intake = try await Intake.make()
        let page = try await intake.test { client in try await client.postForm(["lang": "en"]) }.text
        let links = page.matches(of: #/<li><a href="#field-([a-z]+)">/#).map { String($0.1) }
        #expect(links == ["reporter", "danger", "text", "what"])
        // The order the page asks them in: the summary reads top to bottom as the form does.
        let asked = page.matches(of: #/id="field-([a-z]+)"/#).map { String($0.1) }.filter(links.contains)
        #expect(asked == links)
        #expect(page.contains("<title>\(try WebText.html("error_prefix", .en)) \(try WebText.html("page_title", .en))"))
        #expect(try intake.spool.count() == 0)
    }
}

/// The error summary names each question in the child's voice, never "fill this in" again and again (issue 16).
@Suite struct ErrorSummaryWording {
    @Test(arguments: Language.allCases)
    func aFormSentWithNothingChosenNamesEveryQuestionOnce(language: Language) async throws {
        let intake = try await Intake.make()
        let fields: FormFields = ["lang": language.rawValue, "text": "", "website": ""]
        let response = try await intake.test { client in try await client.postForm(fields) }
        #expect(response.status == .badRequest)
        let summary = try #require(text(from: "<div class=\"summary\"", to: "</div>", in: response.text))
        let lines = summary.matches(of: #/<li><a href="#field-[a-z]+">([^<]*)</a></li>/#).map { String($0.1) }
        let expected = try ["reporter", "danger", "text", "what"].map { try WebText.html("summary.\($0)", language) }
        #expect(lines == expected)
        #expect(Set(lines).count == lines.count, "no line repeats")
        #expect(!summary.contains(try WebText.html("error.required", language)))
    }

    @Test(arguments: Language.allCases)
    func theHoneypotComesAfterTheSendButtonInTheFormsVoice(language: Language) async throws {
        let intake = try await Intake.make()
        let page = try await intake.test { client in try await client.get("/?lang=\(language.rawValue)") }.text
        let button = try #require(page.range(of: "<button type=\"submit\">"))
        let honeypot = try #require(page.range(of: "id=\"field-website\""))
        #expect(button.lowerBound < honeypot.lowerBound, "a text browser reaches Send before the empty field")
        #expect(!page.contains("Не заполняйте"), "not the formal voice beside a form that says ты")
        #expect(!page.contains("толтырмаңыз"))
    }
}
