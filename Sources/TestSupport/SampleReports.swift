import Foundation
import ReportFormat
import Spool

/// The one builder of sample reports and sample forms for every test target.

/// A report as the intake form would produce it; every field but the text has a plain default.
public func sampleReport(
    _ text: String = "Меня обижают на перемене.", language: Language = .ru, hour: String = "2026-11-22T03:00:00Z",
    reporter: ReporterRole = .studentOther, what: [Concern] = [.bullying], place: Place? = .school,
    timing: Timing? = .thisWeek, inDanger: Bool = false, classOrGrade: String? = nil, names: String? = nil,
    contact: String? = nil
) -> Report {
    Report(
        language: language, receivedHour: hour, reporter: reporter, what: what, place: place, timing: timing,
        inDanger: inDanger, classOrGrade: classOrGrade, text: text, names: names, contact: contact)
}

/// A report sealed to `key`, as a spool row received on its receipt day.
public func sealedEntry(_ report: Report, to key: SealingPublicKey) throws -> SpoolEntry {
    SpoolEntry(envelope: try ReportSealer(recipient: key).seal(report), day: String(report.receivedHour.prefix(10)))
}

/// The receipt time the in-process intake of the tests is given.
extension Report {
    /// The report without the reply address a form report carries (issue 17), to compare with what was typed.
    public var withoutReplyAddress: Report {
        var report = self
        report.mailbox = nil
        report.replyKey = nil
        return report
    }
}

public enum IntakeClock {
    /// 2026-11-22T23:47:12Z: late in the UTC day, so a day taken in Kazakhstan's local time (UTC+5) would already
    /// be the 23rd.
    public static let now = Date(timeIntervalSince1970: 1_795_391_232)
    /// `now` rounded down to the hour, as a payload carries it.
    public static let hour = "2026-11-22T23:00:00Z"
    /// The UTC day of `now`, as a spool row carries it.
    public static let day = "2026-11-22"
}

/// A complete report as a reporter fills the form in one language, and what must come out of the envelope.
public struct Sample: Sendable, CustomStringConvertible {
    public let language: Language
    public let fields: FormFields
    public let expected: Report
    /// Words the reporter typed or chose; none may appear in the spool's bytes.
    public let privateWords: [String]

    public var description: String { language.rawValue }

    public static func of(_ language: Language) -> Sample {
        switch language {
        case .kk: kk
        case .ru: ru
        case .en: en
        }
    }

    public static let all: [Sample] = [kk, ru, en]

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
        let expected = sampleReport(
            text, language: language, hour: IntakeClock.hour, reporter: reporter, what: what, place: place,
            timing: timing, inDanger: danger, classOrGrade: classOrGrade, names: names, contact: contact
        ).normalised()
        let typed = [text, names, contact].joined(separator: " ")
        let words = typed.split(whereSeparator: { $0.isWhitespace || $0.isPunctuation }).map(String.init)
        // Short words could turn up by chance in random ciphertext; five bytes or more cannot, in practice.
        let choices = [reporter.rawValue, place.rawValue, timing.rawValue] + what.map(\.rawValue) + [IntakeClock.hour]
        let privateWords = (words + choices + [classOrGrade]).filter { $0.utf8.count >= 5 }
        return Sample(language: language, fields: fields, expected: expected, privateWords: privateWords)
    }

    public static let ru = make(
        .ru, reporter: .studentSelf, what: [.physical, .bullying], place: .school, timing: .ongoing, danger: false,
        classOrGrade: "7 Б",
        textLines: [
            "Меня каждый день дразнят одноклассники.", "Вчера Ерлан толкнул меня на лестнице 😢",
            "Пожалуйста, помогите мне.",
        ],
        names: "Ерлан Сапаров и Дамир", contact: "напишите учительнице Гульнаре")

    public static let kk = make(
        .kk, reporter: .studentOther, what: [.psychological, .cyberbullying], place: .online, timing: .thisWeek,
        danger: false, classOrGrade: "6 Ә",
        textLines: [
            "Сыныптасымды чатта қорлап, суретін таратып жатыр.", "Ол мектепке келгісі келмейді 😔",
        ],
        names: "Асқар, Мәдина", contact: "")

    public static let en = make(
        .en, reporter: .parent, what: [.neglect, .other], place: .onTheWay, timing: .earlier, danger: false,
        classOrGrade: "4 C",
        textLines: ["My daughter walks alone past a building site", "somebody shouted threats 🙁 twice"],
        names: "", contact: "grandmother Zhanargul")
}

extension Report {
    /// The same report with empty optional texts read as absent, as validation stores them.
    public func normalised() -> Report {
        var copy = self
        if copy.names?.isEmpty == true { copy.names = nil }
        if copy.contact?.isEmpty == true { copy.contact = nil }
        if copy.classOrGrade?.isEmpty == true { copy.classOrGrade = nil }
        return copy
    }
}
