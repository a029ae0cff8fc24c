import Dispatch
import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import Spool

/// An unlocked journal: one member's keys and the journal secrets sealed to them, in locked
/// memory for as long as the session lives.
public final class JournalSession {
    public let journal: Journal
    public let member: Member
    let keys: MemberKeys
    let serviceKey: SealingKeyPair?
    let inboxKey: SecureBytes?
    let collectorKey: SigningKey?
    /// The seed of the collector key, to wrap it to a new member who triages.
    let collectorSeed: SecureBytes?
    /// Sealing keys retired by rotations: reports sealed to them still open.
    let previousServiceKeys: [SealingKeyPair]
    public let timeZone: TimeZone
    /// Wrong passphrases typed since the last unlock, which this unlock wrote into the log.
    public let failedUnlocks: [FailedUnlocks]

    init(
        journal: Journal, member: Member, keys: MemberKeys, serviceKey: SealingKeyPair?, inboxKey: SecureBytes?,
        collectorSeed: SecureBytes?, previousServiceKeys: [SealingKeyPair] = [], timeZone: TimeZone,
        failedUnlocks: [FailedUnlocks] = []
    ) {
        self.failedUnlocks = failedUnlocks
        self.journal = journal
        self.member = member
        self.keys = keys
        self.serviceKey = serviceKey
        self.inboxKey = inboxKey
        self.collectorSeed = collectorSeed
        self.previousServiceKeys = previousServiceKeys
        self.collectorKey = collectorSeed.map { SigningKey(seed: $0) }
        self.timeZone = timeZone
    }

    var writer: any DatabaseWriter { journal.database.writer }

    func requireTriage(_ action: MemberAction) throws -> (SealingKeyPair, SecureBytes) {
        guard let serviceKey, let inboxKey else { throw JournalError.notAllowed(member: member.name, action: action) }
        return (serviceKey, inboxKey)
    }

    /// Records a view-type event.
    func log(_ action: EventLog.Action, _ subject: String = "", now: Date) throws {
        try writer.write { db in
            _ = try EventLog.append(db, at: now, member: member, keys: keys, action: action, subject: subject)
        }
    }

    /// Signs a collection request with the journal's collector key, for the intake whose `challenge` it covers.
    public func authorize(
        method: String, path: String, body: [UInt8], challenge: String, now: Date
    ) throws -> CollectorAuthorization {
        guard let collectorKey else { throw JournalError.notAllowed(member: member.name, action: .pull) }
        let timestamp = Int64(now.timeIntervalSince1970)
        let nonce = CollectorAuthorization.newNonce()
        let message = CollectorAuthorization.message(
            method: method, path: path, timestamp: timestamp, nonce: nonce, challenge: challenge, body: body)
        return CollectorAuthorization(
            timestamp: timestamp, nonce: nonce, challenge: challenge, signature: collectorKey.sign(message))
    }

    // MARK: Reading

    /// A collected report with its content, decrypted in memory.
    public struct InboxItem: Sendable {
        public let record: CollectedReport
        public let report: Report?
    }

    /// The inbox as a listing shows it: each waiting report's row and the first line of its text, urgent first,
    /// then oldest. Opens one short line per report instead of the whole report.
    ///
    /// - Parameter records: the rows, when read beforehand with ``Journal/inboxRecords(includeUnreadable:)`` (a
    ///   command reads them while Argon2id derives the member's key).
    public func inboxLines(now: Date, includeUnreadable: Bool = true, records: [CollectedReport]? = nil) throws
        -> [InboxLine]
    {
        let (_, inboxKey) = try requireTriage(.inbox)
        let records = try records ?? journal.inboxRecords(includeUnreadable: includeUnreadable)
        var lines: [InboxLine] = []
        lines.reserveCapacity(records.count)
        for record in records {
            guard record.state == .pending else {
                if includeUnreadable { lines.append(InboxLine(record: record, firstLine: nil)) }
                continue
            }
            do {
                let line: String
                if let preview = record.sealedPreview {
                    let bytes = try FieldCipher.open(
                        Array(preview), key: inboxKey, context: Self.previewContext(record.id))
                    line = String(decoding: bytes, as: UTF8.self)
                } else {
                    // Pulled before the journal kept first lines: open the whole report.
                    line = InboxLine.preview(of: try Self.decrypt(record, key: inboxKey)?.text ?? "")
                }
                lines.append(InboxLine(record: record, firstLine: line))
            } catch {
                // As in `inbox`: one damaged copy is listed as unreadable and hides nothing else.
                if includeUnreadable { lines.append(InboxLine(record: Self.damaged(record), firstLine: nil)) }
            }
        }
        try log(.inbox, "\(lines.count) listed", now: now)
        let keys = lines.map { QueueKey(record: $0.record, readable: $0.firstLine != nil) }
        return keys.indices.sorted { keys[$0] < keys[$1] }.map { lines[$0] }
    }

    /// Reports received and not yet registered (and unreadable ones): urgent first, then oldest.
    public func inbox(now: Date, includeUnreadable: Bool = true) throws -> [InboxItem] {
        let (_, inboxKey) = try requireTriage(.inbox)
        let records = try journal.inboxRecords(includeUnreadable: includeUnreadable)
        // Decrypting and decoding dominate a long inbox: spread them over the cores, each worker writing
        // only its own slots.
        var results = [Result<Report?, any Error>](repeating: .success(nil), count: records.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        results.withUnsafeMutableBufferPointer { out in
            struct Slots: @unchecked Sendable { let buffer: UnsafeMutableBufferPointer<Result<Report?, any Error>> }
            let slots = Slots(buffer: out)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let decoder = JSONDecoder()
                for index in stride(from: worker, to: records.count, by: workers) {
                    // Unreadable (also a row changed behind Senim's back): listed, never opened.
                    guard records[index].state == .pending else { continue }
                    do {
                        slots.buffer[index] = .success(
                            try Self.decrypt(records[index], key: inboxKey, decoder: decoder))
                    } catch {
                        slots.buffer[index] = .failure(error)
                    }
                }
            }
        }
        var items: [InboxItem] = []
        items.reserveCapacity(records.count)
        for (record, result) in zip(records, results) {
            switch result {
            case .success(let report): items.append(InboxItem(record: record, report: report))
            case .failure:
                // One damaged copy must not hide every other report: it is listed as unreadable, and left out of
                // the triage queue, which lists only what can be opened.
                if includeUnreadable { items.append(InboxItem(record: Self.damaged(record), report: nil)) }
            }
        }
        try log(.inbox, "\(items.count) listed", now: now)
        return Self.queueSorted(items)
    }

    /// Why a waiting report is listed as unreadable when its row is not what the log recorded.
    static let changedBehindSenimReason = "changed in the journal behind Senim's back: run senim journal verify"

    /// A row whose inbox copy does not open, as the listings show it.
    static func damaged(_ record: CollectedReport) -> CollectedReport {
        var damaged = record
        damaged.state = .unreadable
        damaged.unreadableReason = "damaged in the journal: run senim journal verify"
        return damaged
    }

    /// `items` in queue order, with each item's sort key worked out once rather than in every comparison, and
    /// positions sorted rather than the items themselves.
    static func queueSorted(_ items: [InboxItem]) -> [InboxItem] {
        let keys = items.map(QueueKey.init)
        return keys.indices.sorted { keys[$0] < keys[$1] }.map { items[$0] }
    }

    /// Where an item stands in the queue: urgent first (the gravest reason first), readable before
    /// unreadable, then oldest first, then by ID so the order is total.
    struct QueueKey: Comparable {
        let gravest: UrgencyReason?
        let readable: Bool
        let hour: String
        let id: Data

        init(_ item: InboxItem) { self.init(record: item.record, readable: item.report != nil) }

        init(record: CollectedReport, readable: Bool) {
            gravest = record.urgency.min()
            self.readable = readable
            hour = record.receivedHour ?? record.receivedDay
            id = record.id
        }

        static func < (a: QueueKey, b: QueueKey) -> Bool {
            if (a.gravest != nil) != (b.gravest != nil) { return a.gravest != nil }
            if let ga = a.gravest, let gb = b.gravest, ga != gb { return ga < gb }
            if a.readable != b.readable { return a.readable }
            if a.hour != b.hour { return a.hour < b.hour }
            return a.id.lexicographicallyPrecedes(b.id)
        }
    }

    private static func decrypt(
        _ record: CollectedReport, key: SecureBytes, decoder: JSONDecoder = JSONDecoder()
    ) throws(JournalError) -> Report? {
        guard let sealed = record.sealedPayload else { return nil }
        do {
            let json = try FieldCipher.open(Array(sealed), key: key, context: Self.inboxContext(record.id))
            return try decoder.decode(Report.self, from: Data(json))
        } catch {
            throw JournalError.damaged("report \(record.shortID)")
        }
    }

    /// Finds a report by a prefix of its hex ID (at least 4 digits).
    public func findReport(_ prefix: String) throws -> CollectedReport {
        let prefix = prefix.lowercased()
        guard prefix.count >= 4, prefix.allSatisfy(\.isHexDigit) else { throw JournalError.unknownReport(prefix) }
        // Looked up in SQL: only the matching row is read, not every report with its payload.
        let pattern = prefix.uppercased() + "%"
        let (matches, count) = try writer.read { db in
            let request = CollectedReport.filter(sql: "hex(id) LIKE ?", arguments: [pattern])
            let matches = try request.limit(2).fetchAll(db)
            return (matches, matches.count > 1 ? try request.fetchCount(db) : matches.count)
        }
        guard let first = matches.first else { throw JournalError.unknownReport(prefix) }
        guard count == 1 else { throw JournalError.ambiguousReport(prefix, matches: count) }
        return first
    }

    /// One report as the reporter wrote it; the view is logged.
    public func show(report prefix: String, now: Date) throws -> InboxItem {
        let (_, inboxKey) = try requireTriage(.show)
        let record = try findReport(prefix)
        if let entryID = record.entryID {
            let number = try writer.read { db in
                try String.fetchOne(db, sql: "SELECT number FROM entry WHERE id = ?", arguments: [entryID])
            }
            throw JournalError.alreadyRegistered(report: record.shortID, number: number ?? "?")
        }
        guard let report = try Self.decrypt(record, key: inboxKey) else {
            throw JournalError.unreadableReport(record.shortID, reason: record.unreadableReason ?? "")
        }
        try log(.view, "report \(record.shortID)", now: now)
        return InboxItem(record: record, report: report)
    }
}
