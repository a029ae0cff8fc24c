import Foundation
import Journal
import ReportFormat

/// JSON shapes printed with `--json`.
struct InboxItemJSON: Encodable {
    let id: String
    let shortID: String
    let state: String
    let receivedDay: String
    let receivedHour: String?
    let hoursAgo: Int?
    let language: String?
    let reporter: String?
    let what: [String]
    let place: String?
    let timing: String?
    let inDanger: Bool?
    let urgent: [String]
    let firstLine: String?
    var text: String?
    var classOrGrade: String?
    var names: String?
    var contact: String?
    let unreadableReason: String?

    /// A line of the listing: what the row holds and the first line.
    init(_ line: InboxLine, now: Date) {
        self.init(
            record: line.record, firstLine: line.firstLine.map { Presentation.firstLine($0, width: 80) }, now: now)
    }

    /// A whole report (`senim show --json`).
    init(_ item: JournalSession.InboxItem, now: Date) {
        self.init(
            record: item.record, firstLine: item.report.map { Presentation.firstLine($0.text, width: 80) }, now: now)
        text = item.report?.text
        classOrGrade = item.report?.classOrGrade
        names = item.report?.names
        contact = item.report?.contact
    }

    /// The fields a listing shows come from the row's plain columns; only a readable report has them.
    private init(record r: CollectedReport, firstLine: String?, now: Date) {
        let readable = firstLine != nil
        id = r.hexID
        shortID = r.shortID
        state = r.state.rawValue
        receivedDay = r.receivedDay
        receivedHour = readable ? r.receivedHour : nil
        hoursAgo = receivedHour.flatMap(JournalClock.date).map { Int(now.timeIntervalSince($0) / 3600) }
        language = readable ? r.language : nil
        reporter = readable ? r.reporter : nil
        what = readable ? r.concerns : []
        place = readable ? r.place : nil
        timing = readable ? r.timing : nil
        inDanger = readable ? r.inDanger : nil
        urgent = r.urgency.map(\.rawValue)
        self.firstLine = firstLine
        text = nil
        classOrGrade = nil
        names = nil
        contact = nil
        unreadableReason = r.unreadableReason
    }
}
