import Foundation

/// A report field, as named in the form, the JSON API and error messages.
public enum ReportField: String, CaseIterable, Sendable {
    case reporter, what, `where`, when, danger
    case classOrGrade = "class"
    case text, names, contact
}

/// What is wrong with one field of a submission.
public enum FieldProblem: Equatable, Sendable {
    /// A required field is empty.
    case required
    /// A single-choice field got several answers.
    case chooseOne
    /// A multiple-choice field got no answer.
    case chooseAtLeastOne
    /// An answer that is not one of the choices.
    case unknownChoice
    /// Longer than `max` characters (Unicode scalars).
    case tooLong(max: Int)
    /// Contains control characters that have no place in text.
    case invalidText
}

/// A report as submitted, before validation: raw strings from the form or the JSON API.
///
/// Choice fields are lists so that a repeated single-choice field is caught, not silently
/// reduced to one answer.
public struct ReportSubmission: Equatable, Sendable {
    public var reporter: [String] = []
    public var what: [String] = []
    public var place: [String] = []
    public var timing: [String] = []
    public var danger: [String] = []
    public var classOrGrade: String = ""
    public var text: String = ""
    public var names: String = ""
    public var contact: String = ""

    public init() {}

    /// Validates the submission into a report received at `receivedHour`, or names every
    /// problem by field (in form order).
    public func validate(language: Language, receivedHour: String) -> Result<Report, ValidationFailure> {
        var problems: [(ReportField, FieldProblem)] = []

        func single<T: RawRepresentable<String>>(_ values: [String], _ field: ReportField, required: Bool) -> T? {
            let values = values.filter { !$0.isEmpty }
            if values.isEmpty {
                if required { problems.append((field, .required)) }
                return nil
            }
            guard values.count == 1 else {
                problems.append((field, .chooseOne))
                return nil
            }
            guard let value = T(rawValue: values[0]) else {
                problems.append((field, .unknownChoice))
                return nil
            }
            return value
        }

        let reporter: ReporterRole? = single(reporter, .reporter, required: true)

        var concerns: [Concern] = []
        let whatValues = what.filter { !$0.isEmpty }
        if whatValues.isEmpty {
            problems.append((.what, .chooseAtLeastOne))
        } else if whatValues.contains(where: { Concern(rawValue: $0) == nil }) {
            problems.append((.what, .unknownChoice))
        } else {
            // Keep the form's order and drop repeats.
            let chosen = Set(whatValues)
            concerns = Concern.allCases.filter { chosen.contains($0.rawValue) }
        }

        let place: Place? = single(place, .where, required: false)
        let timing: Timing? = single(timing, .when, required: false)
        let dangerAnswer: DangerAnswer? = single(danger, .danger, required: true)

        let classOrGrade = Self.optionalText(
            classOrGrade, .classOrGrade, FormatConstants.Limits.classOrGrade, &problems)
        let text = Self.optionalText(text, .text, FormatConstants.Limits.text, &problems, trim: false)
        if text == nil, !problems.contains(where: { $0.0 == .text }) { problems.append((.text, .required)) }
        let names = Self.optionalText(names, .names, FormatConstants.Limits.names, &problems, trim: false)
        let contact = Self.optionalText(contact, .contact, FormatConstants.Limits.contact, &problems)

        if !problems.isEmpty {
            let order = ReportField.allCases
            let sorted = problems.sorted { order.firstIndex(of: $0.0)! < order.firstIndex(of: $1.0)! }
            return .failure(ValidationFailure(problems: sorted.map { FieldError(field: $0.0, problem: $0.1) }))
        }
        return .success(
            Report(
                language: language, receivedHour: receivedHour, reporter: reporter!, what: concerns,
                place: place, timing: timing, inDanger: dangerAnswer == .yes, classOrGrade: classOrGrade,
                text: text!, names: names, contact: contact))
    }

    private enum DangerAnswer: String {
        case yes, no
    }

    /// Normalises line endings, rejects control characters, enforces the limit.
    /// Returns nil for text that is empty after trimming.
    private static func optionalText(
        _ raw: String, _ field: ReportField, _ limit: Int, _ problems: inout [(ReportField, FieldProblem)],
        trim: Bool = true
    ) -> String? {
        let normalised = unixLineEndings(raw)
        let scalars = normalised.unicodeScalars
        // White_Space is the set Foundation's `.whitespacesAndNewlines` names.
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return nil }
        let value = trim ? String(scalars[first...last]) : normalised
        if value.unicodeScalars.contains(where: isForbidden) {
            problems.append((field, .invalidText))
            return nil
        }
        if value.unicodeScalars.count > limit {
            problems.append((field, .tooLong(max: limit)))
            return nil
        }
        return value
    }

    /// CRLF and a lone CR become LF. Scalar by scalar in Swift: Foundation's `replacingOccurrences`
    /// was a quarter of the intake's time under load.
    static func unixLineEndings(_ raw: String) -> String {
        guard raw.utf8.contains(UInt8(ascii: "\r")) else { return raw }
        var scalars = String.UnicodeScalarView()
        var afterCR = false
        for scalar in raw.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n", afterCR { continue }
            scalars.append(scalar == "\r" ? "\n" : scalar)
        }
        return String(scalars)
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: false
        // C0, DEL and C1 (U+0080–U+009F: CSI and friends drive terminals as ESC does; issue 13).
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0xFFFE, 0xFFFF: true
        default: false
        }
    }
}

/// One field's problem.
public struct FieldError: Equatable, Sendable {
    public let field: ReportField
    public let problem: FieldProblem
}

/// All problems of a rejected submission, in form order.
public struct ValidationFailure: Error, Equatable, Sendable {
    public let problems: [FieldError]

    /// The problem of one field, if any.
    public func problem(for field: ReportField) -> FieldProblem? {
        problems.first { $0.field == field }?.problem
    }
}
