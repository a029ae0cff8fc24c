import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import Spool
import TestSupport
import Testing

@testable import Journal

/// Twelve distinct reports in the three languages, each with its own hour.
func sampleReports(_ count: Int = 12) -> [Report] {
    let languages: [Language] = [.kk, .ru, .en]
    return (0..<count).map { index in
        sampleReport(
            "Хабарлама \(index): сыныпта мені мазақтайды / report number \(index)",
            language: languages[index % 3],
            hour: String(format: "2026-11-%02dT%02d:00:00Z", 10 + index / 24, index % 24),
            reporter: index.isMultiple(of: 2) ? .studentSelf : .parent, what: [.psychological, .bullying],
            place: index.isMultiple(of: 3) ? .online : .school, timing: .ongoing,
            classOrGrade: index.isMultiple(of: 4) ? "\(5 + index % 6)А" : nil,
            names: index.isMultiple(of: 5) ? "Ученик \(index)" : nil,
            contact: index.isMultiple(of: 6) ? "+7 700 000 00 \(String(format: "%02d", index))" : nil)
    }
}

/// The decrypted reports of the inbox, ordered by text, so they can be compared with what was sent.
func inboxReports(_ session: JournalSession) throws -> [Report] {
    try session.inbox(now: fixedNow).compactMap(\.report).sorted { $0.text < $1.text }
}

func reportCount(_ fixture: JournalFixture) throws -> Int {
    try fixture.writer.read { db in try CollectedReport.fetchCount(db) }
}

@Suite struct PullTests {
    @Test func pullImportsEveryReportExactlyAsSubmittedAndEmptiesTheSpool() async throws {
        let fixture = try JournalFixture()
        let spool = try fixture.spool()
        let sent = sampleReports()
        try await fixture.submit(sent, to: spool)

        let summary = try await fixture.session.pull(spool: spool, now: { fixedNow })
        #expect(summary.imported == sent.count)
        #expect(summary.alreadyCollected == 0)
        #expect(summary.unreadable == 0)
        #expect(try spool.count() == 0)
        #expect(try inboxReports(fixture.session) == sent.sorted { $0.text < $1.text })
    }

    @Test func aCollectedReportKeepsItsQueryableAnswersAndNotItsEnvelope() async throws {
        let fixture = try JournalFixture()
        let sent = sampleReport(
            "Оны күнде ұрады", language: .kk, hour: "2026-11-22T07:00:00Z", reporter: .staff,
            what: [.physical, .neglect], place: .home, timing: .today)
        let record = try #require(try fixture.collect([sent]).first)
        #expect(record.state == .pending)
        #expect(record.envelope == nil)
        #expect(record.receivedDay == "2026-11-22")
        #expect(record.receivedHour == "2026-11-22T07:00:00Z")
        #expect(record.language == "kk")
        #expect(record.reporter == "staff")
        #expect(record.what == "physical,neglect")
        #expect(record.place == "home")
        #expect(record.timing == "today")
        #expect(record.inDanger == false)
        #expect(record.pulledAt == "2026-11-23T09:00:00Z")
        #expect(try fixture.session.show(report: record.shortID, now: fixedNow).report == sent)
    }

    @Test func pullingAgainImportsNothing() async throws {
        let fixture = try JournalFixture()
        let spool = try fixture.spool()
        try await fixture.submit(sampleReports(5), to: spool)
        _ = try await fixture.session.pull(spool: spool, now: { fixedNow })

        let again = try await fixture.session.pull(spool: spool, now: { fixedNow })
        #expect(again == JournalSession.ImportSummary())
        #expect(try reportCount(fixture) == 5)
    }

    @Test func importingTheSameBatchTwiceStoresEachReportOnce() throws {
        let fixture = try JournalFixture()
        let sent = sampleReports(7)
        let batch = try sent.map { try sealedEntry($0, to: fixture.servicePublicKey()) }

        let first = try fixture.session.importEnvelopes(batch, now: fixedNow)
        #expect(first.imported == 7)
        let second = try fixture.session.importEnvelopes(batch, now: fixedNow)
        #expect(second.alreadyCollected == 7)
        #expect(second.imported == 0)
        #expect(second.unreadable == 0)
        #expect(try reportCount(fixture) == 7)
        #expect(try inboxReports(fixture.session) == sent.sorted { $0.text < $1.text })
    }

    @Test func anEnvelopeRepeatedWithinOneBatchIsStoredOnce() throws {
        let fixture = try JournalFixture()
        let entry = try sealedEntry(sampleReport("Один и тот же конверт"), to: fixture.servicePublicKey())
        let summary = try fixture.session.importEnvelopes([entry, entry], now: fixedNow)
        #expect(summary.imported == 1)
        #expect(summary.alreadyCollected == 1)
        #expect(try reportCount(fixture) == 1)
    }

    @Test func aPullInterruptedBeforeTheSpoolWasAcknowledgedLeavesNoDuplicates() async throws {
        let fixture = try JournalFixture()
        let spool = try fixture.spool()
        let sent = sampleReports(10)
        try await fixture.submit(sent, to: spool)

        // The journal committed the first four, then the process died before deleting them from the spool.
        let interrupted = try spool.batch(after: nil, limit: 4)
        _ = try fixture.session.importEnvelopes(interrupted, now: fixedNow)
        #expect(try spool.count() == 10)

        let summary = try await fixture.session.pull(spool: spool, now: { fixedNow })
        #expect(summary.imported == 6)
        #expect(summary.alreadyCollected == 4)
        #expect(try spool.count() == 0)
        #expect(try reportCount(fixture) == 10)
        #expect(try inboxReports(fixture.session) == sent.sorted { $0.text < $1.text })
    }

    @Test func progressIsReportedAfterEachBatchWithGrowingCounts() async throws {
        let fixture = try JournalFixture()
        let spool = try fixture.spool()
        try await fixture.submit(sampleReports(12), to: spool)

        var calls: [(done: Int, total: Int)] = []
        let summary = try await fixture.session.pull(spool: spool, batchSize: 5, now: { fixedNow }) { done, total in
            calls.append((done, total))
        }
        #expect(summary.imported == 12)
        #expect(calls.map(\.done) == [5, 10, 12])
        #expect(calls.allSatisfy { $0.total == 12 })
    }

    @Test func aNonTriageRoleCannotPull() async throws {
        let fixture = try JournalFixture()
        try fixture.addMember("Ерлан Директор", role: .director, passphrase: "TEST ONLY director passphrase")
        let director = try fixture.journal.unlock(
            member: "Ерлан Директор", passphrase: Passphrase("TEST ONLY director passphrase"), now: fixedNow)
        let spool = try fixture.spool()
        try await fixture.submit(sampleReports(2), to: spool)
        await #expect(throws: JournalError.notAllowed(member: "Ерлан Директор", action: .pull)) {
            try await director.pull(spool: spool, now: { fixedNow })
        }
        // Nothing collected means nothing acknowledged.
        #expect(try spool.count() == 2)
    }
}

@Suite struct UnreadableEnvelopeTests {
    /// A readable batch with four bad envelopes mixed in, pulled through a spool file.
    struct Mixed {
        let fixture: JournalFixture
        let good: [Report]
        let otherKey: SpoolEntry
        let tampered: SpoolEntry
        let garbage: SpoolEntry
        let notAReport: SpoolEntry
        let summary: JournalSession.ImportSummary
        let spool: SpoolDatabase

        init() async throws {
            fixture = try JournalFixture()
            spool = try fixture.spool()
            let serviceKey = try fixture.servicePublicKey()
            good = sampleReports(6)

            otherKey = try sealedEntry(sampleReport("Чужой ключ"), to: SealingKeyPair().publicKey)
            var flipped = try sealedEntry(sampleReport("Изменённый конверт"), to: serviceKey)
            flipped.envelope[flipped.envelope.count / 2] ^= 0x01
            tampered = flipped
            garbage = rawEntry(Array("this is not an envelope at all, just some bytes".utf8))
            // Sealed properly to the service, but the payload inside is not a report.
            let padded = Sodium.pad(Array(#"{"v":99}"#.utf8), to: FormatConstants.paddingBuckets[0])!
            let envelope = try Envelope(keyID: serviceKey.keyID, sealedBox: Sodium.seal(padded, to: serviceKey.bytes))
            notAReport = SpoolEntry(envelope: envelope, day: "2026-11-22")

            try await fixture.submit(Array(good[0..<3]), to: spool)
            try await spool.append([otherKey, tampered, garbage, notAReport])
            try await fixture.submit(Array(good[3...]), to: spool)
            summary = try await fixture.session.pull(spool: spool, now: { fixedNow })
        }

        func record(_ entry: SpoolEntry) throws -> CollectedReport {
            try fixture.session.findReport(hex(entry.id))
        }
    }

    @Test func badEnvelopesAreKeptAsUnreadableAndTheRestImports() async throws {
        let mixed = try await Mixed()
        #expect(mixed.summary.imported == 6)
        #expect(mixed.summary.unreadable == 4)
        #expect(try mixed.spool.count() == 0)
        #expect(try inboxReports(mixed.fixture.session) == mixed.good.sorted { $0.text < $1.text })

        for entry in [mixed.otherKey, mixed.tampered, mixed.garbage, mixed.notAReport] {
            let record = try mixed.record(entry)
            #expect(record.state == .unreadable)
            #expect(record.sealedPayload == nil)
            // The envelope is kept byte for byte, in case a key turns up later.
            #expect(record.envelope == entry.envelope)
            #expect(record.receivedDay == entry.receivedDay)
        }
    }

    @Test func eachUnreadableEnvelopeSaysWhy() async throws {
        let mixed = try await Mixed()
        let otherKey = try #require(try mixed.record(mixed.otherKey).unreadableReason)
        #expect(otherKey.contains("another key"))
        #expect(otherKey.contains(hex(mixed.otherKey.keyID)))
        #expect(try mixed.record(mixed.tampered).unreadableReason?.contains("altered") == true)
        #expect(try mixed.record(mixed.garbage).unreadableReason?.hasPrefix("not an envelope") == true)
        #expect(try mixed.record(mixed.notAReport).unreadableReason?.contains("not a report") == true)
    }

    @Test func unreadableReportsCannotBeShownOrRegistered() async throws {
        let mixed = try await Mixed()
        let record = try mixed.record(mixed.tampered)
        let reason = try #require(record.unreadableReason)
        #expect(throws: JournalError.unreadableReport(record.shortID, reason: reason)) {
            try mixed.fixture.session.show(report: record.shortID, now: fixedNow)
        }
        #expect(throws: JournalError.unreadableReport(record.shortID, reason: reason)) {
            try mixed.fixture.session.register(
                report: record.shortID, phoneCall("Попытка зарегистрировать"), now: fixedNow)
        }
        #expect(try mixed.fixture.session.entries(now: fixedNow).isEmpty)
    }

    @Test func theInboxListsUnreadableReportsOnlyWhenAsked() async throws {
        let mixed = try await Mixed()
        #expect(try mixed.fixture.session.inbox(now: fixedNow).count == 10)
        let readable = try mixed.fixture.session.inbox(now: fixedNow, includeUnreadable: false)
        #expect(readable.count == 6)
        #expect(readable.allSatisfy { $0.record.state == .pending && $0.report != nil })
    }
}

@Suite struct FindReportTests {
    @Test func aReportIsFoundByAnyPrefixOfItsIDFromFourDigits() throws {
        let fixture = try JournalFixture()
        let record = try #require(try fixture.collect([sampleReport("Найди меня")]).first)
        #expect(try fixture.session.findReport(record.hexID) == record)
        #expect(try fixture.session.findReport(String(record.hexID.prefix(4)).uppercased()) == record)
        #expect(throws: JournalError.unknownReport("abc")) { try fixture.session.findReport("abc") }
        #expect(throws: JournalError.unknownReport("zzzz")) { try fixture.session.findReport("zzzz") }
    }

    @Test func aPrefixSharedByTwoReportsIsAmbiguous() throws {
        let fixture = try JournalFixture()
        let key = try fixture.servicePublicKey()
        let entries = try ["aaaa0000", "aaaa1111", "bbbb0000"].map { prefix in
            let sealed = try sealedEntry(sampleReport("Отчёт \(prefix)"), to: key)
            let id = Data(
                (0..<16).map { index in
                    index < 4 ? UInt8(prefix.dropFirst(index * 2).prefix(2), radix: 16)! : 0
                })
            return SpoolEntry(id: id, receivedDay: sealed.receivedDay, keyID: sealed.keyID, envelope: sealed.envelope)
        }
        _ = try fixture.session.importEnvelopes(entries, now: fixedNow)
        #expect(throws: JournalError.ambiguousReport("aaaa", matches: 2)) { try fixture.session.findReport("aaaa") }
        #expect(try fixture.session.findReport("aaaa1").hexID.hasPrefix("aaaa1111"))
        #expect(try fixture.session.findReport("bbbb").hexID.hasPrefix("bbbb0000"))
        #expect(throws: JournalError.unknownReport("cccc")) { try fixture.session.findReport("cccc") }
    }
}
