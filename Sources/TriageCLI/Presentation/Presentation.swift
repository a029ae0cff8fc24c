import Foundation
import Journal
import ReportFormat

/// How reports and entries are shown to a person: localised labels, local times, 80 columns.
struct Presentation {
    let m: Messages
    let timeZone: TimeZone
    let now: Date
    /// Gregorian, in the school's time zone; made once, not per line shown.
    private let calendar: Calendar
    /// Receipt times are whole hours, so a long list shows few distinct ones: each is worked out once.
    private let shownTimes = ShownTimes()

    private final class ShownTimes {
        var local: [String: String] = [:]
        var ago: [String: String] = [:]
    }

    init(m: Messages, timeZone: TimeZone, now: Date) {
        self.m = m
        self.timeZone = timeZone
        self.now = now
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func label(_ prefix: String, _ value: String?) -> String {
        guard let value, !value.isEmpty else { return "—" }
        let key = "\(prefix).\(value)"
        let text = m(key)
        return text == key ? value : text
    }

    func labels(_ prefix: String, _ values: [String]) -> String {
        values.isEmpty ? "—" : values.map { label(prefix, $0) }.joined(separator: ", ")
    }

    /// `22.11.2026 08:00` in the school's time zone.
    func localTime(_ stamp: String?) -> String {
        guard let stamp else { return "—" }
        return remembered(\.local, stamp, computeLocalTime)
    }

    /// `compute(stamp)`, worked out once per distinct stamp.
    private func remembered(
        _ table: ReferenceWritableKeyPath<ShownTimes, [String: String]>, _ stamp: String, _ compute: (String) -> String
    ) -> String {
        if let known = shownTimes[keyPath: table][stamp] { return known }
        let shown = compute(stamp)
        shownTimes[keyPath: table][stamp] = shown
        return shown
    }

    private func computeLocalTime(_ stamp: String) -> String {
        guard let date = JournalClock.date(stamp) else { return stamp }
        // Plain arithmetic on calendar parts: a DateFormatter per line made long lists take seconds.
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "??" }
        return "\(two(parts.day)).\(two(parts.month)).\(parts.year ?? 0) \(two(parts.hour)):\(two(parts.minute))"
    }

    /// `this hour`, `3 h ago`, `2 d ago`. Receipt times are rounded down to the hour, so within the first hour
    /// a count of minutes would claim a precision the journal does not have.
    func ago(_ stamp: String?) -> String {
        guard let stamp else { return "" }
        return remembered(\.ago, stamp, computeAgo)
    }

    private func computeAgo(_ stamp: String) -> String {
        guard let date = JournalClock.date(stamp) else { return "" }
        let minutes = max(0, Int(now.timeIntervalSince(date) / 60))
        if minutes < 60 { return m("time.this_hour") }
        if minutes < 48 * 60 { return m("time.hours_ago", ["n": "\(minutes / 60)"]) }
        return m("time.days_ago", ["n": "\(minutes / 1440)"])
    }

    /// The first line of a text, cut to `width` characters.
    static func firstLine(_ text: String, width: Int) -> String {
        // Reads only as far as it shows: going through a whole 20,000-character report for every line
        // listed was most of the time `inbox` took.
        var line = ""
        var taken = 0
        for character in text {
            if taken == 0 && character.isWhitespace { continue }
            if character.isNewline || taken > width { break }
            line.append(character)
            taken += 1
        }
        while let last = line.last, last.isWhitespace { line.removeLast() }
        return line.count <= width ? line : String(line.prefix(width - 1)) + "…"
    }

    func urgency(_ reasons: [UrgencyReason]) -> String {
        reasons.map { label("urgency", $0.rawValue) }.joined(separator: "; ")
    }

    /// An inbox line block: three lines per report, within 80 columns.
    func inboxBlock(_ line: InboxLine, due: Deadline? = nil, head: String? = nil) -> String {
        guard let firstLine = line.firstLine else {
            let record = line.record
            return "\(record.urgency.isEmpty ? " " : "!") \(record.shortID)  \(record.receivedDay)  "
                + "\(m("inbox.unreadable"))\n     \(record.unreadableReason ?? "")\n"
        }
        return (head ?? inboxHead(line.record, due: due)) + "     «\(Self.firstLine(firstLine, width: 68))»\n"
    }

    /// All of a readable report's block but its first line: it comes from the row's plain columns, so a command
    /// can lay it out before the key is there.
    func inboxHead(_ record: CollectedReport, due: Deadline?) -> String {
        let mark = record.urgency.isEmpty ? " " : "!"
        var text = "\(mark) \(record.shortID)  \(localTime(record.receivedHour)) (\(ago(record.receivedHour)))"
        text += "  \(record.language ?? "—")  \(label("reporter", record.reporter))\n"
        text += "     \(labels("concern", record.concerns)) · \(label("place", record.place))\n"
        if !record.urgency.isEmpty { text += "     \(m("inbox.urgent")): \(urgency(record.urgency))\n" }
        if let due { text += "     \(m("inbox.register_by", ["due": dueText(due)]))\n" }
        return text
    }

    /// A whole report as the reporter wrote it.
    func reportText(_ item: JournalSession.InboxItem) -> String {
        guard let report = item.report else { return "" }
        let record = item.record
        var lines: [String] = []
        lines.append("\(m("report.heading")) \(record.shortID)")
        if !record.urgency.isEmpty { lines.append("!! \(m("inbox.urgent")): \(urgency(record.urgency))") }
        lines.append("\(m("field.received")): \(localTime(report.receivedHour)) (\(ago(report.receivedHour)))")
        lines.append("\(m("field.language")): \(report.language.rawValue)")
        lines.append("\(m("field.reporter")): \(label("reporter", report.reporter.rawValue))")
        lines.append("\(m("field.what")): \(labels("concern", report.what.map(\.rawValue)))")
        lines.append("\(m("field.where")): \(label("place", report.place?.rawValue))")
        lines.append("\(m("field.when")): \(label("timing", report.timing?.rawValue))")
        lines.append("\(m("field.danger")): \(report.inDanger ? m("answer.yes") : m("answer.no"))")
        lines.append("\(m("field.class")): \(report.classOrGrade ?? "—")")
        lines.append("\(m("field.names")): \(report.names ?? "—")")
        lines.append("\(m("field.contact")): \(report.contact ?? m("report.anonymous"))")
        lines.append("")
        lines.append("\(m("field.words")):")
        lines.append(report.text)
        return lines.joined(separator: "\n")
    }

    /// A journal entry, with its decrypted fields.
    func entryText(_ detail: EntryDetail) -> String {
        let r = detail.record
        var lines: [String] = []
        lines.append("\(m("entry.heading")) \(r.number)")
        if !r.urgentReasons.isEmpty {
            let reasons = r.urgentReasons.split(separator: ",").compactMap { UrgencyReason(rawValue: String($0)) }
            lines.append("!! \(m("inbox.urgent")): \(urgency(reasons))")
        }
        if let access = detail.access {
            let reason = detail.fields[.restriction].map { " — \($0)" } ?? ""
            lines.append("🔒 \(m("field.restricted")): \(access.joined(separator: ", "))\(reason)")
        }
        lines.append("\(m("field.status")): \(label("status", r.status))")
        lines.append("\(m("field.received")): \(localTime(r.receivedAt))")
        lines.append("\(m("field.registered")): \(localTime(r.registeredAt)) · \(detail.registeredBy)")
        lines.append("\(m("field.channel")): \(label("channel", r.channel.rawValue))")
        lines.append("\(m("field.reporter")): \(label("reporter", r.reporterRole.rawValue))")
        lines.append("\(m("field.types")): \(labels("type", r.crueltyTypes.map(\.rawValue)))")
        lines.append("\(m("field.where")): \(label("place", r.place))")
        lines.append("\(m("field.when")): \(label("timing", r.occurred))")
        lines.append(
            "\(m("field.counts")): \(m("counts", ["victims": "\(r.victims)", "aggressors": "\(r.aggressors)", "witnesses": "\(r.witnesses)"]))"
        )
        lines.append("\(m("field.aggressor_kind")): \(label("aggressor", r.aggressorKind.rawValue))")
        lines.append("\(m("field.danger")): \(r.inDanger ? m("answer.yes") : m("answer.no"))")
        lines.append("\(m("field.class")): \(detail.fields[.classOrGrade] ?? "—")")
        lines.append("\(m("field.names")): \(detail.fields[.names] ?? "—")")
        lines.append("\(m("field.contact")): \(detail.fields[.contact] ?? "—")")
        lines.append("\(m("field.summary")): \(detail.fields[.summary] ?? "—")")
        lines.append("")
        lines.append("\(m("field.words")):")
        lines.append(detail.fields[.words] ?? "")
        return lines.joined(separator: "\n")
    }
}
