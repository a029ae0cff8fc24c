import Foundation
import ReportFormat

/// A complete report as a reporter fills the form in one language, and what must come out of the envelope.
struct Sample: Sendable, CustomStringConvertible {
    let language: Language
    let fields: FormFields
    let expected: Report
    /// Words the reporter typed or chose; none may appear in the spool's bytes.
    let privateWords: [String]

    var description: String { language.rawValue }

    static func of(_ language: Language) -> Sample {
        switch language {
        case .kk: kk
        case .ru: ru
        case .en: en
        }
    }

    static let all: [Sample] = [kk, ru, en]

    /// Builds the form a browser sends: text areas with CRLF line ends, an empty honeypot.
    private static func make(
        _ language: Language, reporter: ReporterRole, what: [Concern], place: Place, timing: Timing,
        danger: Bool, classOrGrade: String, textLines: [String], names: String, contact: String
    ) -> Sample {
        var fields: FormFields = ["lang": language.rawValue, "reporter": reporter.rawValue]
        for concern in what { fields.append("what", concern.rawValue) }
        fields.append("where", place.rawValue)
        fields.append("when", timing.rawValue)
        fields.append("danger", danger ? "yes" : "no")
        fields.append("text", textLines.joined(separator: "\r\n"))
        fields.append("class", classOrGrade)
        fields.append("names", names)
        fields.append("contact", contact)
        fields.append("website", "")
        let text = textLines.joined(separator: "\n")
        let expected = Report(
            language: language, receivedHour: fixedHour, reporter: reporter, what: what, place: place,
            timing: timing, inDanger: danger, classOrGrade: classOrGrade, text: text, names: names, contact: contact
        ).normalised()
        let typed = [text, names, contact].joined(separator: " ")
        let words = typed.split(whereSeparator: { $0.isWhitespace || $0.isPunctuation }).map(String.init)
        // Short words could turn up by chance in random ciphertext; five bytes or more cannot, in practice.
        let choices = [reporter.rawValue, place.rawValue, timing.rawValue] + what.map(\.rawValue) + [fixedHour]
        let privateWords = (words + choices + [classOrGrade]).filter { $0.utf8.count >= 5 }
        return Sample(language: language, fields: fields, expected: expected, privateWords: privateWords)
    }

    static let ru = make(
        .ru, reporter: .studentSelf, what: [.physical, .bullying], place: .school, timing: .ongoing, danger: false,
        classOrGrade: "7 Б",
        textLines: [
            "Меня каждый день дразнят одноклассники.", "Вчера Ерлан толкнул меня на лестнице 😢",
            "Пожалуйста, помогите мне.",
        ],
        names: "Ерлан Сапаров и Дамир", contact: "напишите учительнице Гульнаре")

    static let kk = make(
        .kk, reporter: .studentOther, what: [.psychological, .cyberbullying], place: .online, timing: .thisWeek,
        danger: false, classOrGrade: "6 Ә",
        textLines: [
            "Сыныптасымды чатта қорлап, суретін таратып жатыр.", "Ол мектепке келгісі келмейді 😔",
        ],
        names: "Асқар, Мәдина", contact: "")

    static let en = make(
        .en, reporter: .parent, what: [.neglect, .other], place: .onTheWay, timing: .earlier, danger: false,
        classOrGrade: "4 C",
        textLines: ["My daughter walks alone past a building site", "somebody shouted threats 🙁 twice"],
        names: "", contact: "grandmother Zhanargul")
}

extension Report {
    /// The same report with empty optional texts read as absent, as validation stores them.
    func normalised() -> Report {
        var copy = self
        if copy.names?.isEmpty == true { copy.names = nil }
        if copy.contact?.isEmpty == true { copy.contact = nil }
        if copy.classOrGrade?.isEmpty == true { copy.classOrGrade = nil }
        return copy
    }
}
