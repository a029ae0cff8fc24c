import Foundation
import GRDB
import ReportFormat

/// One line of the inbox listing: a waiting report's row and the first line of what the reporter wrote.
public struct InboxLine: Sendable {
    public let record: CollectedReport
    /// Nil when the report cannot be read.
    public let firstLine: String?

    /// The most of a first line the journal keeps for the listing (which shows at most 80 characters).
    static let previewLength = 200

    /// The first line with text in it, without its surrounding spaces, cut to `previewLength` characters.
    static func preview(of text: String) -> String {
        var line = ""
        var taken = 0
        for character in text {
            if taken == 0 && character.isWhitespace { continue }
            if character.isNewline || taken == previewLength { break }
            line.append(character)
            taken += 1
        }
        while let last = line.last, last.isWhitespace { line.removeLast() }
        return line
    }
}

extension Journal {
    /// The inbox's rows, still sealed: reading them needs no key, so a command can do it while Argon2id derives
    /// the member's key.
    ///
    /// The queue's order and what it shows come from plaintext columns (urgency, hour, state), so a row that is
    /// not what the log recorded (e.g. its urgent flag cleared behind Senim's back) is listed as unreadable with
    /// that reason, never as the log would vouch for it.
    public func inboxRecords(includeUnreadable: Bool) throws -> [CollectedReport] {
        try database.writer.read { db in
            let records = try CollectedReport.filter(
                CollectedReport.Columns.state == ReportState.pending.rawValue
                    || (includeUnreadable && CollectedReport.Columns.state == ReportState.unreadable.rawValue)
            ).fetchAll(db)
            let unrecorded = try Ledger.unrecordedRows(db, table: "report")
            guard !unrecorded.isEmpty else { return records }
            let changedIDs = Set(
                try Data.fetchAll(
                    db,
                    sql:
                        "SELECT id FROM report WHERE rowid IN (\(unrecorded.keys.map(String.init).joined(separator: ",")))"
                ))
            return records.compactMap { record in
                guard changedIDs.contains(record.id) else { return record }
                guard includeUnreadable else { return nil }
                var changed = record
                changed.state = .unreadable
                changed.unreadableReason = JournalSession.changedBehindSenimReason
                changed.urgentReasons = ""
                return changed
            }
        }
    }
}
