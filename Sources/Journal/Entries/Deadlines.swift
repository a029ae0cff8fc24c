import Foundation
import GRDB
import ReportFormat
import SafetyKeys

/// The recorded state of a step.
public struct StepRecord: Sendable {
    public enum State: String, Codable, Sendable {
        case done
        case notApplicable = "not-applicable"
    }

    public let step: EntryStep
    public let state: State
    /// Why the step does not apply; nil when done.
    public let reason: String?
    public let by: String
    /// ISO 8601 UTC.
    public let at: String
}

/// The stored row: append-only; the latest row of a step is its state.
struct StepRow: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "entry_step"
    var id: Int64?
    var entryID: Int64
    var step: EntryStep
    var state: StepRecord.State
    var sealedReason: Data?
    var memberID: Int64
    var at: String

    enum CodingKeys: String, CodingKey {
        case id
        case entryID = "entry_id"
        case step, state
        case sealedReason = "sealed_reason"
        case memberID = "member_id"
        case at
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension JournalSession {
    static func stepContext(entryID: Int64, step: EntryStep, at: String) -> String {
        "senim step v1|\(entryID)|\(step.rawValue)|\(at)"
    }

    /// The working-day calendar of this journal: its folder's `calendar.txt`, else the bundled one.
    public func workingCalendar() throws -> WorkingCalendar { try journal.workingCalendar(timeZone: timeZone) }

    /// Records a step of an entry as done, or as not applicable with a reason (required, encrypted with the
    /// entry). Recording again replaces the current state; the earlier rows stay.
    public func record(_ step: EntryStep, of number: String, notApplicable reason: String? = nil, now: Date) throws {
        guard member.role.triages || member.role == .specialist else {
            throw JournalError.notAllowed(member: member.name, action: .recordStep)
        }
        let entry = try findEntry(number, now: now)
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason != nil, trimmed?.isEmpty ?? true { throw JournalError.notApplicableWithoutReason(step.rawValue) }
        let stamp = JournalClock.stamp(now)
        // Only a member who holds the entry's key works on it, even when there is nothing to seal.
        let key = try entryDataKey(entry)
        var sealed: Data?
        if let trimmed {
            sealed = Data(
                FieldCipher.seal(
                    Array(trimmed.utf8), key: key, context: Self.stepContext(entryID: entry.id!, step: step, at: stamp))
            )
        }
        try writer.write { db in
            var row = StepRow(
                id: nil, entryID: entry.id!, step: step, state: trimmed == nil ? .done : .notApplicable,
                sealedReason: sealed, memberID: member.id!, at: stamp)
            try row.insert(db)
            try EventLog.append(
                db, at: now, member: member, keys: keys, action: .step,
                subject: "\(entry.number) \(step.rawValue) \(row.state.rawValue)")
        }
    }

    /// The current state of each recorded step of an entry.
    public func steps(of number: String, now: Date) throws -> [EntryStep: StepRecord] {
        let entry = try findEntry(number, now: now)
        let (rows, names) = try writer.read { db in
            (
                try StepRow.filter(Column("entry_id") == entry.id!).order(Column("id")).fetchAll(db),
                try Self.memberNames(db)
            )
        }
        var latest: [EntryStep: StepRow] = [:]
        for row in rows { latest[row.step] = row }
        let key = latest.values.contains { $0.sealedReason != nil } ? try entryKeyRing(entry) : nil
        var result: [EntryStep: StepRecord] = [:]
        for (step, row) in latest {
            var reason: String?
            if let sealed = row.sealedReason, let key {
                do {
                    reason = String(
                        decoding: try key.open(
                            Array(sealed),
                            context: Self.stepContext(entryID: entry.id!, step: step, at: row.at)),
                        as: UTF8.self)
                } catch {
                    throw JournalError.damaged("step \(step.rawValue) of entry \(entry.number)")
                }
            }
            result[step] = StepRecord(
                step: step, state: row.state, reason: reason, by: names[row.memberID] ?? "?", at: row.at)
        }
        return result
    }

    /// Every open clock of the journal; see ``Journal/deadlines(now:timeZone:)``.
    public func deadlines(now: Date) throws -> [Deadline] { try journal.deadlines(now: now, timeZone: timeZone) }
}

extension Journal {
    /// The urgency word lists: Senim's, and the journal folder's `urgency.txt` (a school's own words, in the same
    /// format) when there is one.
    public func urgencyDetector() throws -> UrgencyDetector {
        do {
            return try UrgencyDetector.forJournal(directory: directory)
        } catch UrgencyFileError.notUTF8(let path) {
            throw JournalError.urgencyFile(path: path)
        }
    }

    /// The working-day calendar of this journal: its folder's `calendar.txt`, else the bundled one.
    public func workingCalendar(timeZone: TimeZone) throws -> WorkingCalendar {
        do {
            return try WorkingCalendar.forJournal(directory: directory, timeZone: timeZone)
        } catch let error as CalendarFileError {
            switch error {
            case .badLine(let number, let text): throw JournalError.calendarFile(line: number, text: text)
            }
        }
    }

    /// Every open clock of the journal: reports waiting to be registered, and each entry's steps not yet
    /// recorded, as ``Clocks/open(today:calendar:waiting:entries:)`` works them out from the stored facts.
    /// Overdue first, then by due day. Reads no confidential field and needs no key, so a command can
    /// work them out while the member's key is derived.
    public func deadlines(now: Date, timeZone: TimeZone) throws -> [Deadline] {
        let calendar = try workingCalendar(timeZone: timeZone)
        func day(_ stamp: String) -> CalendarDay? { JournalClock.date(stamp).map { calendar.day(of: $0) } }
        let (waiting, entries) = try database.writer.read { db in
            let waiting = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, received_day, received_hour, urgent_reasons FROM report WHERE state = 'pending'
                    """
            ).map { row in
                let id: Data = row["id"]
                let hour: String? = row["received_hour"]
                return Clocks.WaitingReport(
                    subject: String(id.hexString.prefix(8)),
                    received: hour.flatMap(day) ?? CalendarDay(row["received_day"] as String) ?? calendar.day(of: now),
                    urgent: !((row["urgent_reasons"] as String?) ?? "").isEmpty)
            }
            let entries = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.number, e.registered_at, e.urgent_reasons, e.risk_level,
                        (SELECT MIN(assessed_at) FROM assessment a WHERE a.entry_id = e.id) AS first_assessment,
                        (SELECT MIN(assessed_at) FROM assessment a
                            WHERE a.entry_id = e.id AND a.decided_level = 'high') AS first_high,
                        (SELECT group_concat(DISTINCT step) FROM entry_step s WHERE s.entry_id = e.id) AS steps
                    FROM entry e WHERE e.status != 'closed'
                    """
            ).map { row in
                Clocks.OpenEntry(
                    number: row["number"], registered: day(row["registered_at"]),
                    urgent: !((row["urgent_reasons"] as String?) ?? "").isEmpty,
                    level: (row["risk_level"] as String?).flatMap(RiskLevel.init(rawValue:)),
                    firstAssessed: (row["first_assessment"] as String?).flatMap(day),
                    firstRatedHigh: (row["first_high"] as String?).flatMap(day),
                    recorded: Set(
                        ((row["steps"] as String?) ?? "").split(separator: ",").compactMap {
                            EntryStep(rawValue: String($0))
                        }))
            }
            return (waiting, entries)
        }
        return Clocks.open(today: calendar.day(of: now), calendar: calendar, waiting: waiting, entries: entries)
    }
}
