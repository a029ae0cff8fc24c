import ArgumentParser
import Foundation
import Journal
import ReportFormat
import SafetyKeys
import Spool

/// `senim-bench`: measured numbers for the README, never assertions in `swift test`.
@main
struct SenimBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "senim-bench",
        abstract: "Benchmarks of Senim's triage side. Build with -c release for numbers worth recording.",
        subcommands: [PullBench.self, StepsBench.self])
}

/// Realistic report texts: about 2 KB of mixed Kazakh, Russian and English.
enum Corpus {
    static let sentences = [
        "Меня постоянно дразнят в классе и пишут гадости в общем чате.",
        "После уроков старшеклассники забирают у меня деньги и толкают.",
        "Мені сыныптастарым мазақ етеді, үзілісте итеріп жібереді.",
        "Some boys from the 9th grade take my phone and post photos of me.",
        "Я боюсь идти в школу, потому что меня ждут у ворот.",
        "Мұғалім бәріміздің алдымызда айқайлап, қорлайды.",
        "Моя подруга говорит, что не хочет жить, я за неё боюсь.",
        "Ата-анам білмейді, айтуға қорқамын.",
    ]

    static func text(_ seed: Int) -> String {
        var text = ""
        var i = seed
        while text.utf8.count < 2_000 {
            text += sentences[i % sentences.count] + " "
            i = (i &* 31 &+ 7) & 0x7fff_ffff
        }
        return text
    }

    static func report(_ i: Int) -> Report {
        Report(
            language: [Language.kk, .ru, .en][i % 3], receivedHour: "2026-11-2\(i % 10)T0\(i % 10):00:00Z",
            reporter: ReporterRole.allCases[i % ReporterRole.allCases.count],
            what: [Concern.allCases[i % Concern.allCases.count]], place: Place.allCases[i % Place.allCases.count],
            timing: nil, inDanger: i % 50 == 0, classOrGrade: "\(5 + i % 7)", text: text(i), names: nil, contact: nil)
    }
}

struct PullBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Seal COUNT envelopes into a spool, then time `pull` (open, file, acknowledge) and `inbox`.")

    @Option(help: "Envelopes to pull.")
    var count = 100_000

    @Option(help: "Pending reports for the inbox timing.")
    var inbox = 10_000

    @Option(
        help: """
            Keep the inbox journal in this new folder (passphrase in DIR/bench-passphrase.txt), to time the \
            real command, e.g. hyperfine 'senim inbox --journal DIR --passphrase-file DIR/bench-passphrase.txt'.
            """)
    var keepInboxJournal: String?

    func clock<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try body()
        let elapsed = ContinuousClock.now - start
        return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("senim-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let passphrase = "benchmark passphrase only"
        let now = Date()
        let created = try Journal.create(
            directory: root.appendingPathComponent("journal"), leadName: "lead", passphrase: Passphrase(passphrase),
            kdf: .moderate, now: now)
        let (session, unlockSeconds) = try clock {
            try created.journal.unlock(member: nil, passphrase: Passphrase(passphrase), now: now)
        }
        let sealer = ReportSealer(recipient: try created.journal.servicePublicKey())
        let spool = try SpoolDatabase(path: root.appendingPathComponent("spool.sqlite").path)

        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("sealing \(count) reports of ~2 KB into a spool…")
        var batch: [SpoolEntry] = []
        let (_, sealSeconds) = try await clockAsync {
            for i in 0..<count {
                batch.append(SpoolEntry(envelope: try sealer.seal(Corpus.report(i)), day: "2026-11-22"))
                if batch.count == 5_000 {
                    try await spool.append(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try await spool.append(batch) }
        }
        print(String(format: "  sealed and spooled in %.2f s", sealSeconds))

        let (summary, pullSeconds) = try clock { try session.pull(spool: spool, batchSize: 5_000) }
        precondition(summary.imported == count, "pull imported \(summary.imported) of \(count)")
        print(
            String(
                format: "pull: %d envelopes in %.2f s = %.0f envelopes/s (goal ≥ 25,000)", count, pullSeconds,
                Double(count) / pullSeconds))

        // A journal with exactly `inbox` pending reports for the listing.
        let inboxFolder =
            keepInboxJournal.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("journal-inbox")
        let second = try Journal.create(
            directory: inboxFolder, leadName: "lead",
            passphrase: Passphrase(passphrase), kdf: .moderate, now: now)
        let (inboxSession, inboxUnlock) = try clock {
            try second.journal.unlock(member: nil, passphrase: Passphrase(passphrase), now: now)
        }
        let inboxSealer = ReportSealer(recipient: try second.journal.servicePublicKey())
        let entries = try (0..<inbox).map {
            SpoolEntry(envelope: try inboxSealer.seal(Corpus.report($0)), day: "2026-11-22")
        }
        _ = try inboxSession.importEnvelopes(entries, now: now)
        if keepInboxJournal != nil {
            try Data((passphrase + "\n").utf8).write(to: inboxFolder.appendingPathComponent("bench-passphrase.txt"))
        }
        let (items, inboxSeconds) = try clock { try inboxSession.inbox(now: now) }
        precondition(items.count == inbox)
        print(
            String(
                format: "inbox: %d pending reports listed (decrypted, urgency-sorted) in %.3f s (goal < 1 s)",
                items.count, inboxSeconds))
        print(
            String(
                format: "unlock (Argon2id MODERATE, once per command): %.3f s and %.3f s", unlockSeconds, inboxUnlock))
    }

    func clockAsync<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        let elapsed = ContinuousClock.now - start
        return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

/// Per-step costs of collecting one report, to see where pull time goes.
struct StepsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steps", abstract: "Time each step pull takes per report (open, decode, urgency, re-encrypt).")

    @Option(help: "Reports per step.")
    var count = 2_000

    func run() async throws {
        let pair = SealingKeyPair()
        let sealer = ReportSealer(recipient: pair.publicKey)
        let envelopes = try (0..<count).map { try sealer.seal(Corpus.report($0)) }
        let key = randomSecretKey()
        func time(_ name: String, _ body: (Int) throws -> Void) rethrows {
            let start = ContinuousClock.now
            for i in 0..<count { try body(i) }
            let elapsed = ContinuousClock.now - start
            let micros = (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
            print(String(format: "%-28@ %8.1f µs per report", name as NSString, micros / Double(count)))
        }
        var payloads: [[UInt8]] = Array(repeating: [], count: count)
        var jsons: [[UInt8]] = Array(repeating: [], count: count)
        var reports: [Report] = []
        try time("parse + seal_open") { i in
            payloads[i] = try pair.openPayloadBytes(try Envelope(parsing: envelopes[i].bytes))
        }
        try time("unpad") { i in jsons[i] = try Report.json(paddedPayload: payloads[i]) }
        try time("JSON decode") { i in reports.append(try Report(json: jsons[i])) }
        let detector = UrgencyDetector.shared
        time("urgency") { i in _ = detector.reasons(for: reports[i]) }
        time("re-encrypt (inbox key)") { i in _ = FieldCipher.seal(jsons[i], key: key, context: "x") }
    }
}
