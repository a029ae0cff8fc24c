import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import Spool
import TestSupport
import Testing

/// A sealed entry whose text names its number.
func sealedEntry(_ number: Int, day: String = IntakeClock.day) throws -> SpoolEntry {
    let report = sampleReport(
        "report \(number)", language: .kk, hour: IntakeClock.hour, reporter: .staff, what: [.other], place: nil,
        timing: nil)
    return SpoolEntry(envelope: try ReportSealer(recipient: TestKeys.publicKey()).seal(report), day: day)
}

@Suite struct SpoolWriterTests {
    @Test func concurrentAppendsAreEachCommittedBeforeTheirCallerReturns() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("spool.sqlite")
        let spool = try SpoolDatabase(path: path)
        // A second pool on the same file sees only what was committed.
        let observer = try SpoolDatabase(path: path)
        let writer = SpoolWriter(database: spool, maxBatch: 7)
        let entries = try (0..<200).map { try sealedEntry($0) }

        let seenAfterReturn = try await withThrowingTaskGroup(of: Bool.self) { group in
            for entry in entries {
                group.addTask {
                    try await writer.append(entry)
                    return try await observer.writer.read { db in try SpoolEntry.fetchOne(db, key: entry.id) } == entry
                }
            }
            return try await group.reduce(into: 0) { count, seen in count += seen ? 1 : 0 }
        }
        #expect(seenAfterReturn == 200)
        #expect(try observer.count() == 200)
        #expect(Set(try observer.all().map(\.id)) == Set(entries.map(\.id)))
    }

    @Test func everyGroupCommittedEnvelopeOpens() async throws {
        let folder = try TemporaryDirectory()
        let spool = try SpoolDatabase(path: folder.path("spool.sqlite"))
        let writer = SpoolWriter(database: spool, maxBatch: 16)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<100 {
                group.addTask { try await writer.append(sealedEntry(number)) }
            }
            try await group.waitForAll()
        }
        let keys = try TestKeys.keyPair()
        let texts = try spool.all().map { try keys.open(Envelope(parsing: $0.envelope)).text }
        #expect(Set(texts) == Set((0..<100).map { "report \($0)" }))
    }

    @Test func anEntryIsStoredByteForByte() async throws {
        let spool = try SpoolDatabase.inMemory()
        let entry = try sealedEntry(1, day: "2027-01-31")
        try await SpoolWriter(database: spool).append(entry)
        #expect(try spool.all() == [entry])
        #expect(entry.keyID == Data(try TestKeys.publicKey().keyID.bytes))
        #expect(entry.id.count == 16)
    }

    @Test func aFailedCommitReachesItsCaller() async throws {
        let spool = try SpoolDatabase.inMemory()
        let writer = SpoolWriter(database: spool)
        let entry = try sealedEntry(1)
        try await writer.append(entry)
        await #expect(throws: DatabaseError.self) { try await writer.append(entry) }
        #expect(try spool.count() == 1)
        // The writer is not stuck after a failure.
        try await writer.append(try sealedEntry(2))
        #expect(try spool.count() == 2)
    }

    @Test func entriesHaveFreshRandomIDs() throws {
        let ids = try (0..<50).map { try sealedEntry($0).id }
        #expect(Set(ids).count == 50)
    }

    @Test func theSchemaRefusesRowsOutsideTheDesign() async throws {
        let spool = try SpoolDatabase.inMemory()
        var shortID = try sealedEntry(1)
        shortID.id = Data(count: 15)
        await #expect(throws: DatabaseError.self) { try await spool.append([shortID]) }
        var shortKeyID = try sealedEntry(2)
        shortKeyID.keyID = Data(count: 7)
        await #expect(throws: DatabaseError.self) { try await spool.append([shortKeyID]) }
        #expect(try spool.count() == 0)
    }

    @Test func reopeningASpoolKeepsItsEnvelopes() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("spool.sqlite")
        let entry = try sealedEntry(1)
        do {
            let spool = try SpoolDatabase(path: path)
            try await SpoolWriter(database: spool).append(entry)
        }
        #expect(try SpoolDatabase(path: path).all() == [entry])
    }

    @Test func theSpoolIsDurableAndPrivate() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("spool.sqlite")
        let spool = try SpoolDatabase(path: path)
        try await SpoolWriter(database: spool).append(try sealedEntry(1))
        let (journal, synchronous) = try await spool.writer.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            )
        }
        #expect(journal == "wal")
        #expect(synchronous == 2)
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try #require(
                try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o777 == 0o600, "\(file)")
        }
    }
}

/// The log is copied into the database beside the writer, not inside a commit, and does not grow without end.
@Suite struct SpoolCheckpointTests {
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
    }

    /// Waits up to 20 s for `condition`.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    @Test func commitsStayInTheLogUntilTheCheckpointerCopiesThem() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("spool.sqlite")
        let spool = try SpoolDatabase(path: path, checkpointBytes: 256 << 10)
        let emptySize = Self.size(path)
        // Below the threshold: the commits are in the log only (the writer itself never checkpoints).
        try await spool.append((0..<20).map { try sealedEntry($0) })
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.size(path) == emptySize)
        #expect(Self.size(path + "-wal") > 20 * 4096)
        // Past it: the pages reach the database file without another commit.
        try await spool.append((20..<100).map { try sealedEntry($0) })
        #expect(try await Self.eventually { Self.size(path) > 100 * 4096 })
        let reopened = try SpoolDatabase(path: path)
        #expect(Set(try reopened.all().map(\.id)).count == 100)
        #expect(try await reopened.writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test func underSteadyCommitsTheLogStartsOverAndStaysBounded() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("spool.sqlite")
        let restart = 2 << 20
        let spool = try SpoolDatabase(path: path, checkpointBytes: 512 << 10, restartLogBytes: restart)
        let entries = try (0..<400).map { try sealedEntry($0) }
        // About 20 MB of envelopes (four times these), committed back to back by 8 writers in small
        // transactions: the writer always has the next one waiting, so the log never starts over by itself.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for round in 0..<50 {
                        let batch = (0..<4).map { index in
                            let entry = entries[(lane * 50 + round * 4 + index) % entries.count]
                            return SpoolEntry(
                                id: Data(Sodium.randomBytes(16)), receivedDay: entry.receivedDay,
                                keyID: entry.keyID, envelope: entry.envelope)
                        }
                        try await spool.append(batch)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try spool.count() == 8 * 50 * 4)
        // Without starting over, the log would hold every page written (well over 20 MB).
        #expect(Self.size(path + "-wal") <= 4 * restart, "log at the end: \(Self.size(path + "-wal")) bytes")
        #expect(try await spool.writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }
}

/// Collected envelopes leave no copy in any file of the spool: database, write-ahead log or shared memory (issue 13).
@Suite struct SpoolErasureTests {
    static func files(_ path: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            files[suffix] = Array(try Data(contentsOf: URL(fileURLWithPath: path + suffix)))
        }
        return files
    }

    @Test func deletedEnvelopesAreInNoFileOfTheSpool() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("spool.sqlite")
        let spool = try SpoolDatabase(path: path)
        let writer = SpoolWriter(database: spool)
        let entries = try (0..<20).map { try sealedEntry($0) }
        for entry in entries { try await writer.append(entry) }
        // A reader elsewhere (as `senim pull` on a local spool) that has finished must not keep the log alive.
        let observer = try SpoolDatabase(path: path)
        #expect(try observer.count() == 20)

        // Positive control: before the delete every envelope is found in the files.
        let before = try Self.files(path)
        for entry in entries {
            #expect(before.values.contains { bytes($0, contain: Array(entry.envelope.suffix(48))) })
        }

        let collected = Array(entries.prefix(15))
        #expect(try spool.delete(ids: collected.map(\.id)) == 15)
        // A report stored after the pull stays whole.
        let later = try sealedEntry(99)
        try await writer.append(later)

        let after = try Self.files(path)
        for entry in collected {
            for (suffix, content) in after {
                #expect(
                    !bytes(content, contain: Array(entry.envelope.suffix(48))),
                    "a collected envelope is still in spool.sqlite\(suffix)")
            }
        }
        for entry in entries.suffix(5) + [later] {
            #expect(after.values.contains { bytes($0, contain: Array(entry.envelope.suffix(48))) })
        }
        #expect(
            try SpoolDatabase(path: path).all().map(\.id).sorted { $0.lexicographicallyPrecedes($1) }
                == (entries.suffix(5) + [later]).map(\.id).sorted { $0.lexicographicallyPrecedes($1) })
    }
}

/// Pages of envelopes bounded by bytes as well as by count (issue 13 §4).
@Suite struct SpoolPageTests {
    func entry(bytes: Int) -> SpoolEntry {
        SpoolEntry(
            id: Data(Sodium.randomBytes(16)), receivedDay: IntakeClock.day, keyID: Data(count: 8),
            envelope: Data(repeating: 0x5A, count: bytes))
    }

    @Test func aPageStopsBeforeTheByteBoundButAlwaysHoldsOne() async throws {
        let folder = try TemporaryDirectory()
        let spool = try SpoolDatabase(path: folder.path("spool.sqlite"))
        try await spool.append((0..<5).map { _ in entry(bytes: 1_000_000) })
        let first = try spool.page(after: nil, limit: 1000, maxBytes: 2_500_000)
        #expect(first.entries.count == 2)
        #expect(first.more)
        let rest = try spool.page(after: first.entries.last!.id, limit: 1000, maxBytes: 2_500_000)
        #expect(rest.entries.count == 2 && rest.more)
        let last = try spool.page(after: rest.entries.last!.id, limit: 1000, maxBytes: 2_500_000)
        #expect(last.entries.count == 1 && !last.more)
        let oneBigger = try spool.page(after: nil, limit: 1000, maxBytes: 10)
        #expect(oneBigger.entries.count == 1, "an envelope larger than the bound still goes, alone")
        let byCount = try spool.page(after: nil, limit: 3, maxBytes: .max)
        #expect(byCount.entries.count == 3 && byCount.more)
        let all = try spool.page(after: nil, limit: 5, maxBytes: .max)
        #expect(all.entries.count == 5 && !all.more)
    }
}

/// A mailbox's days are counted by plain calendar arithmetic (issue 17); Foundation's calendar agrees on every day
/// of four centuries' worth of samples, leap days and century years among them.
@Suite struct MailboxDays {
    @Test func dayArithmeticAgreesWithFoundationsCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        let start = try #require(formatter.date(from: "1900-01-01"))
        for step in stride(from: 0, to: 146_097, by: 37) {
            let date = try #require(calendar.date(byAdding: .day, value: step, to: start))
            let day = formatter.string(from: date)
            for shift in [-400, -90, -1, 0, 1, 3, 90, 366] {
                let expected = formatter.string(
                    from: try #require(calendar.date(byAdding: .day, value: -shift, to: date)))
                #expect(MailboxRow.day(day, minus: shift) == expected, "\(day) minus \(shift)")
            }
        }
        #expect(MailboxRow(id: Data(count: 32), day: "2026-11-22").expiresDay(keepDays: 90) == "2027-02-20")
        #expect(MailboxRow.day("2028-03-01", minus: 1) == "2028-02-29")
        #expect(MailboxRow.day("2100-03-01", minus: 1) == "2100-02-28")
    }
}

/// An expired mailbox leaves no trace of its ID in the spool's files, the write-ahead log included (issue 17).
@Suite struct MailboxExpiry {
    @Test func anExpiredMailboxIsInNoFileOfTheSpool() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("spool.sqlite")
        let spool = try SpoolDatabase(path: path)
        let id = Data(ReceiptCode.generate().mailboxID)
        try await spool.append([try sealedEntry(1)], mailboxes: [MailboxRow(id: id, day: "2026-11-22")])
        func files() -> [Data] {
            ["", "-wal", "-shm"].compactMap { FileManager.default.contents(atPath: path + $0) }
        }
        #expect(files().contains { $0.range(of: id) != nil }, "positive control: the ID is on disk while kept")
        #expect(try spool.touchMailbox(id, today: "2026-12-01", keepDays: 90) != nil)
        #expect(
            try spool.expireMailboxes(today: "2027-03-01", keepDays: 90) == 0, "used on 1 December: kept 90 days more")
        #expect(try spool.expireMailboxes(today: "2027-03-02", keepDays: 90) == 1)
        #expect(try spool.mailbox(id) == nil)
        for (index, data) in files().enumerated() {
            #expect(data.range(of: id) == nil, "the ID is still in file \(["spool.sqlite", "-wal", "-shm"][index])")
        }
        #expect(try spool.count() == 1, "the envelope is untouched")
    }
}
