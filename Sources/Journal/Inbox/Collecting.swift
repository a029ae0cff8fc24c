import Dispatch
import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import Spool

/// Where sealed envelopes are collected from: an intake's spool on this machine, or a running intake over HTTP.
/// The journal drives one loop over either (``JournalSession/collect(from:now:progress:)``): take a batch, commit
/// it in the journal, and only then let the source forget it.
public protocol EnvelopeSource {
    /// The next batch of envelopes still held by the source, oldest first; empty when there is nothing left.
    /// `remaining` is what the source expects to hold after this batch (for the progress line; a guess is fine).
    mutating func nextBatch() async throws -> (entries: [SpoolEntry], remaining: Int)
    /// Tells the source that these envelopes are committed in the journal and may be deleted.
    mutating func acknowledge(_ ids: [Data]) async throws
}

/// An intake spool on this machine (`senim pull --spool PATH`).
public struct LocalSpoolSource: EnvelopeSource {
    public let spool: SpoolDatabase
    public let batchSize: Int

    public init(spool: SpoolDatabase, batchSize: Int = 2000) {
        self.spool = spool
        self.batchSize = batchSize
    }

    public func nextBatch() throws -> (entries: [SpoolEntry], remaining: Int) {
        let batch = try spool.page(after: nil, limit: batchSize, maxBytes: CollectionAPI.maxPageBytes).entries
        return (batch, batch.isEmpty ? 0 : max(0, try spool.count() - batch.count))
    }

    public func acknowledge(_ ids: [Data]) throws { _ = try spool.delete(ids: ids) }
}

extension JournalSession {
    /// What one import did.
    public struct ImportSummary: Equatable, Sendable {
        public var imported = 0
        public var alreadyCollected = 0
        public var unreadable = 0
        public init() {}

        public static func + (a: Self, b: Self) -> Self {
            var sum = a
            sum.imported += b.imported
            sum.alreadyCollected += b.alreadyCollected
            sum.unreadable += b.unreadable
            return sum
        }
    }

    static func inboxContext(_ id: Data) -> String { "senim inbox v1|\(id.hexString)" }
    static func previewContext(_ id: Data) -> String { "senim inbox preview v1|\(id.hexString)" }

    /// Opens and stores a batch of envelopes in one durable transaction. Envelopes already in
    /// the journal are skipped; ones that do not open are kept, marked unreadable with the reason.
    public func importEnvelopes(_ batch: [SpoolEntry], now: Date) throws -> ImportSummary {
        let (serviceKey, inboxKey) = try requireTriage(.pull)
        let serviceKeys = [serviceKey] + previousServiceKeys
        var summary = ImportSummary()
        let ids = batch.map(\.id)
        let known: Set<Data> = try writer.read { db in
            var found: Set<Data> = []
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let part = Array(ids[chunk..<min(chunk + 500, ids.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                found.formUnion(
                    try Data.fetchAll(db, sql: "SELECT id FROM report WHERE id IN (\(marks))", arguments: .init(part)))
            }
            return found
        }
        var seen: Set<Data> = []
        let fresh = batch.filter { !known.contains($0.id) && seen.insert($0.id).inserted }
        summary.alreadyCollected = batch.count - fresh.count
        let stamp = JournalClock.stamp(now)
        let detector = try journal.urgencyDetector()
        var rows = [CollectedReport?](repeating: nil, count: fresh.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        rows.withUnsafeMutableBufferPointer { out in
            // Each worker writes only its own indices of the buffer.
            struct Slots: @unchecked Sendable { let buffer: UnsafeMutableBufferPointer<CollectedReport?> }
            let slots = Slots(buffer: out)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in stride(from: worker, to: fresh.count, by: workers) {
                    slots.buffer[index] = Self.open(
                        fresh[index], serviceKeys: serviceKeys, inboxKey: inboxKey, detector: detector, stamp: stamp)
                }
            }
        }
        try writer.write { db in
            for row in rows {
                guard let row else { continue }
                try row.insert(db)
                if row.state == .unreadable { summary.unreadable += 1 } else { summary.imported += 1 }
            }
            if !fresh.isEmpty {
                try EventLog.append(
                    db, at: now, member: member, keys: keys, action: .pull,
                    subject: "\(summary.imported) readable, \(summary.unreadable) unreadable")
            }
        }
        return summary
    }

    private static func open(
        _ entry: SpoolEntry, serviceKeys: [SealingKeyPair], inboxKey: SecureBytes, detector: UrgencyDetector,
        stamp: String
    ) -> CollectedReport {
        var row = CollectedReport(
            id: entry.id, receivedDay: entry.receivedDay, receivedHour: nil, envelope: entry.envelope,
            state: .unreadable, unreadableReason: nil, language: nil, reporter: nil, what: nil, place: nil,
            timing: nil, inDanger: nil, urgentReasons: "", sealedPayload: nil, sealedPreview: nil, entryID: nil,
            pulledAt: stamp)
        let report: Report
        let json: [UInt8]
        do {
            let envelope = try Envelope(parsing: entry.envelope)
            // The current key, or one a rotation retired: the one the envelope names.
            let serviceKey = serviceKeys.first { $0.publicKey.keyID == envelope.keyID } ?? serviceKeys[0]
            var padded = try serviceKey.openPayloadBytes(envelope)
            defer { _ = padded.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
            do {
                json = try Report.json(paddedPayload: padded)
                report = try Report(json: json)
            } catch {
                throw OpenError.payload(error)
            }
        } catch let error as EnvelopeError {
            row.unreadableReason = "not an envelope: \(error)"
            return row
        } catch let error as OpenError {
            switch error {
            case .wrongKey(_, let found): row.unreadableReason = "sealed to another key (key id \(found.hex))"
            case .cannotOpen: row.unreadableReason = "does not open: altered or damaged"
            case .payload(let payload): row.unreadableReason = "opened, but not a report: \(payload)"
            }
            return row
        } catch {
            row.unreadableReason = "\(error)"
            return row
        }
        row.state = .pending
        row.envelope = nil
        row.receivedHour = report.receivedHour
        row.language = report.language.rawValue
        row.reporter = report.reporter.rawValue
        row.what = report.what.map(\.rawValue).joined(separator: ",")
        row.place = report.place?.rawValue
        row.timing = report.timing?.rawValue
        row.inDanger = report.inDanger
        row.urgentReasons = detector.reasons(for: report).map(\.rawValue).joined(separator: ",")
        row.sealedPayload = Data(FieldCipher.seal(json, key: inboxKey, context: inboxContext(entry.id)))
        let preview = Array(InboxLine.preview(of: report.text).utf8)
        row.sealedPreview = Data(FieldCipher.seal(preview, key: inboxKey, context: previewContext(entry.id)))
        return row
    }

    /// Collects everything a source holds: each batch is committed in the journal before the source is told it
    /// may delete it, so an interrupted collection loses nothing and a repeated one imports nothing twice.
    public func collect(
        from source: some EnvelopeSource, now: () -> Date = { Date() }, progress: (Int, Int) -> Void = { _, _ in }
    ) async throws -> ImportSummary {
        // A role that may not collect is told so before anything is read or sent.
        _ = try requireTriage(.pull)
        var source = source
        var total = ImportSummary()
        var done = 0
        while true {
            let (batch, remaining) = try await source.nextBatch()
            if batch.isEmpty { break }
            total = total + (try importEnvelopes(batch, now: now()))
            try await source.acknowledge(batch.map(\.id))
            done += batch.count
            progress(done, done + remaining)
        }
        return total
    }

    /// Collects everything waiting in a local intake spool.
    public func pull(
        spool: SpoolDatabase, batchSize: Int = 2000, now: () -> Date = { Date() },
        progress: (Int, Int) -> Void = { _, _ in }
    ) async throws -> ImportSummary {
        try await collect(from: LocalSpoolSource(spool: spool, batchSize: batchSize), now: now, progress: progress)
    }
}
