import Foundation
import Mustache
import ReportFormat
import SafeHTML

/// Renders the localised pages from the Mustache templates in `Web/templates`.
public struct Pages: Sendable {
    let library: MustacheLibrary
    let strings: Strings
    let schoolName: String
    /// Every page that depends only on its language (and the danger answer), rendered once at start:
    /// rendering a template per request took a quarter of the intake's time under load.
    private var rendered: [Rendered: String] = [:]

    private enum Rendered: Hashable {
        case form(Language), received(Language, inDanger: Bool, hasCode: Bool), status(Int, Language), exit(Language)
    }

    /// The status codes that have a page of their own; any other is shown as 400 or 500.
    public static let statusCodes: Set<Int> = [400, 404, 413, 415, 429, 500, 503]

    /// Loads templates and strings from a web folder.
    public init(webDirectory: String, schoolName: String) async throws {
        let root = URL(fileURLWithPath: webDirectory)
        self.strings = try Strings(directory: root.appendingPathComponent("strings"))
        let templates = root.appendingPathComponent("templates").path
        do {
            self.library = try SafeHTML.library(directory: templates)
        } catch {
            throw WebFolderError.templates(path: templates, reason: "\(error)")
        }
        for name in ["form", "received", "status", "exit", "check"] where library.getTemplate(named: name) == nil {
            throw WebFolderError.templates(path: templates, reason: "missing \(name).mustache")
        }
        self.schoolName = schoolName
        var rendered: [Rendered: String] = [:]
        for language in Language.allCases {
            rendered[.form(language)] = renderForm(language, submission: .init(), failure: nil)
            rendered[.exit(language)] = render(common(language), "exit")
            for inDanger in [false, true] {
                for hasCode in [false, true] {
                    rendered[.received(language, inDanger: inDanger, hasCode: hasCode)] = renderReceived(
                        language, inDanger: inDanger, hasCode: hasCode)
                }
            }
            for code in Self.statusCodes { rendered[.status(code, language)] = renderStatus(code, language) }
        }
        // Every confirmation page has one size, so that its length on the wire (TLS hides the bytes, not how many)
        // tells neither whether the reporter answered "in danger" nor the language (issue 13 §4); a honeypot catch
        // gets the same page.
        let received = rendered.filter { if case .received = $0.key { return true } else { return false } }
        let size = (received.values.map(\.utf8.count).max() ?? 0) + Self.minimumPadding
        for (key, page) in received { rendered[key] = Self.padded(page, to: size) }
        self.rendered = rendered
    }

    /// The least padding a page gets: an HTML comment needs seven bytes, and a few spaces more.
    static let minimumPadding = 16

    /// `page` grown to `size` bytes by an HTML comment of spaces before `</html>` (or at its end).
    public static func padded(_ page: String, to size: Int) -> String {
        let missing = size - page.utf8.count
        guard missing >= 7 else { return page }
        let comment = "<!--" + String(repeating: " ", count: missing - 7) + "-->"
        guard let end = page.range(of: "</html>", options: .backwards) else { return page + comment }
        return page.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: comment)
    }

    private func common(_ language: Language, path: String = "/") -> [String: Any] {
        [
            "lang": language.rawValue,
            "t": strings.table(language),
            "school": schoolName,
            "languages": Language.allCases.map { other -> [String: Any] in
                [
                    "code": other.rawValue,
                    "name": strings.text("language.\(other.rawValue)", other),
                    "current": other == language,
                    "href": "\(path)?lang=\(other.rawValue)",
                ]
            },
        ]
    }

    private func render(_ context: [String: Any], _ template: String) -> String {
        library.render(context, withTemplate: template) ?? ""
    }

    /// The localised message for a field problem.
    public func message(for problem: FieldProblem, _ language: Language) -> String {
        switch problem {
        case .required: strings.text("error.required", language)
        case .chooseOne: strings.text("error.choose_one", language)
        case .chooseAtLeastOne: strings.text("error.choose_at_least_one", language)
        case .unknownChoice: strings.text("error.unknown_choice", language)
        case .invalidText: strings.text("error.invalid_text", language)
        case .tooLong(let max):
            strings.text("error.too_long", language).replacingOccurrences(of: "{max}", with: String(max))
        }
    }

    /// The order the form asks its questions in (`Web/templates/form.mustache`), which the error summary follows.
    /// Who is writing and whether someone is in danger come first, then the child's own words, then the choices
    /// that sort the report, so that on a small phone the text box is near the top (issue 16).
    public static let formOrder: [ReportField] = [
        .reporter, .danger, .text, .what, .where, .when, .classOrGrade, .names, .contact,
    ]

    /// A line of the error summary: each problem names its question, in the child's voice ("Choose who is
    /// writing"), so that the summary never says "fill this in" three times; a problem with what was typed says
    /// which question and what to do.
    func summaryLine(for problem: FieldError, _ message: String, _ language: Language) -> String {
        let named: Set<ReportField> = [.reporter, .what, .where, .when, .danger, .text]
        switch problem.problem {
        case .required, .chooseOne, .chooseAtLeastOne,
            .unknownChoice where named.contains(problem.field):
            return strings.text("summary.\(problem.field.rawValue)", language)
        default:
            return strings.text("q_\(problem.field.rawValue)", language) + ": " + message
        }
    }

    /// What stands in the rendered empty form where each view's one-time value goes: as long as a value, so that
    /// putting one in changes no size.
    public static let oncePlaceholder = String(repeating: "0", count: 32)

    /// The form, empty or filled with what was submitted and the problems found, carrying `once` (see
    /// `OnceTokens`).
    public func form(
        _ language: Language, submission: ReportSubmission = .init(), failure: ValidationFailure? = nil,
        once: String = Pages.oncePlaceholder
    ) -> String {
        if submission == .init(), failure == nil, let page = rendered[.form(language)] {
            return once == Self.oncePlaceholder
                ? page : page.replacingOccurrences(of: "value=\"\(Self.oncePlaceholder)\"", with: "value=\"\(once)\"")
        }
        return renderForm(language, submission: submission, failure: failure, once: once)
    }

    private func renderForm(
        _ language: Language, submission: ReportSubmission, failure: ValidationFailure?,
        once: String = Pages.oncePlaceholder
    ) -> String {
        var context = common(language)
        context["once"] = once
        func options<T: RawRepresentable<String> & CaseIterable>(
            _ type: T.Type, _ prefix: String, _ chosen: [String]
        ) -> [[String: Any]] {
            T.allCases.map { option in
                [
                    "value": option.rawValue,
                    "label": strings.text("\(prefix).\(option.rawValue)", language),
                    "checked": chosen.contains(option.rawValue),
                    "id": "\(prefix)-\(option.rawValue)",
                ]
            }
        }
        context["reporterOptions"] = options(ReporterRole.self, "reporter", submission.reporter)
        context["whatOptions"] = options(Concern.self, "what", submission.what)
        context["whereOptions"] = options(Place.self, "where", submission.place)
        context["whenOptions"] = options(Timing.self, "when", submission.timing)
        context["dangerOptions"] = ["yes", "no"].map { value -> [String: Any] in
            [
                "value": value, "label": strings.text("danger.\(value)", language),
                "checked": submission.danger.contains(value), "id": "danger-\(value)",
            ]
        }
        context["values"] = [
            "class": submission.classOrGrade, "text": submission.text,
            "names": submission.names, "contact": submission.contact,
        ]
        context["limits"] = [
            "text": FormatConstants.Limits.text, "names": FormatConstants.Limits.names,
            "contact": FormatConstants.Limits.contact, "class": FormatConstants.Limits.classOrGrade,
        ]
        var errors: [String: String] = [:]
        var summary: [[String: String]] = []
        let problems = (failure?.problems ?? []).sorted {
            (Self.formOrder.firstIndex(of: $0.field) ?? .max) < (Self.formOrder.firstIndex(of: $1.field) ?? .max)
        }
        for problem in problems {
            let text = message(for: problem.problem, language)
            errors[problem.field.rawValue] = text
            summary.append(
                ["field": "field-\(problem.field.rawValue)", "message": summaryLine(for: problem, text, language)])
        }
        context["errors"] = errors
        context["errorSummary"] = summary
        context["hasErrors"] = !summary.isEmpty
        return render(context, "form")
    }

    /// The confirmation page, with the receipt code when there is one (issue 17). The pages are made once with a
    /// placeholder of the code's length and the code is put in its place, so every confirmation keeps one size.
    public func received(_ language: Language, inDanger: Bool, code: ReceiptCode? = nil) -> String {
        let page =
            rendered[.received(language, inDanger: inDanger, hasCode: code != nil)]
            ?? renderReceived(language, inDanger: inDanger, hasCode: code != nil)
        guard let code else { return page }
        var filled = page
        for group in code.groups {
            guard let range = filled.range(of: Self.placeholderGroup) else { break }
            filled.replaceSubrange(range, with: "<span>\(group)</span>")
        }
        return filled
    }

    /// What stands for one group of four digits until the code is put in.
    static let placeholderGroup = "<span>@@@@</span>"

    private func renderReceived(_ language: Language, inDanger: Bool, hasCode: Bool) -> String {
        var context = common(language)
        context["danger"] = inDanger
        context["hasCode"] = hasCode
        context["receiptGroups"] = Array(repeating: "@@@@", count: ReceiptCode.length / ReceiptCode.groupSize)
        return render(context, "received")
    }

    /// What the check page says about a report found by its code.
    public struct CheckFound: Sendable, Equatable {
        public let receivedDay: String
        public let expiresDay: String
    }

    /// The check page (issue 17): the form, with `error` above it, or what was found.
    public func check(_ language: Language, found: CheckFound? = nil, error: String? = nil) -> String {
        var context = common(language, path: "/check")
        if let error { context["error"] = error }
        if let found {
            context["found"] = [
                "received": text("check_received", language).replacingOccurrences(
                    of: "{day}", with: Self.shownDay(found.receivedDay)),
                "state": text("state.received", language),
                "expires": text("check_expires", language).replacingOccurrences(
                    of: "{day}", with: Self.shownDay(found.expiresDay)),
            ]
        }
        return render(context, "check")
    }

    /// `2026-12-04` as the pages show a day: `04.12.2026`.
    static func shownDay(_ day: String) -> String {
        let parts = day.split(separator: "-")
        guard parts.count == 3 else { return day }
        return "\(parts[2]).\(parts[1]).\(parts[0])"
    }

    /// A status page (400, 404, 413, 415, 429, 500, 503).
    public func status(_ code: Int, _ language: Language) -> String {
        rendered[.status(code, language)] ?? renderStatus(code, language)
    }

    private func renderStatus(_ code: Int, _ language: Language) -> String {
        var context = common(language)
        context["code"] = code
        context["title"] = strings.text("status.\(code).title", language)
        context["message"] = strings.text("status.\(code).message", language)
        return render(context, "status")
    }

    /// The neutral quick-exit page.
    public func exit(_ language: Language) -> String {
        rendered[.exit(language)] ?? render(common(language), "exit")
    }

    /// A string of the given language.
    public func text(_ key: String, _ language: Language) -> String { strings.text(key, language) }
}
