import ArgumentParser
import Foundation
import GRDB
import Journal
import ReportFormat
import SafetyKeys
import Spool

/// `senim-bench`: measured numbers for the README, never assertions in `swift test`.
@main
struct SenimBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "senim-bench",
        abstract: "Benchmarks of Senim's intake and triage. Build with -c release for numbers worth recording.",
        subcommands: [PullBench.self, StepsBench.self, StatsBench.self, SealBench.self, SpoolBench.self])
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
        return (value, (ContinuousClock.now - start).seconds)
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

        let (summary, pullSeconds) = try await clockAsync { try await session.pull(spool: spool, batchSize: 5_000) }
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
        let (lines, linesSeconds) = try clock { try inboxSession.inboxLines(now: now) }
        precondition(lines.count == inbox)
        print(
            String(
                format: "inbox listing: %d pending reports (first lines opened, urgency-sorted) in %.3f s",
                lines.count, linesSeconds))
        let (items, inboxSeconds) = try clock { try inboxSession.inbox(now: now) }
        precondition(items.count == inbox)
        print(
            String(
                format: "inbox, whole reports: %d pending reports opened and decoded, urgency-sorted, in %.3f s",
                items.count, inboxSeconds))
        print(
            String(
                format: "unlock (Argon2id MODERATE, once per command): %.3f s and %.3f s", unlockSeconds, inboxUnlock))
    }

    func clockAsync<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, (ContinuousClock.now - start).seconds)
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
            let micros = (ContinuousClock.now - start).seconds * 1e6
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

struct StatsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Fill a journal with many entries and time the quarterly statistics.",
        discussion: """
            The entries, their students and facts are written straight into the database in one transaction (the \
            way a year of registrations would leave it, but without the event log, so `journal verify` would flag \
            them): only the counting is timed. Keep the journal with --keep to time `senim stats` with hyperfine; \
            the lead's passphrase file is written next to it.
            """)

    @Option(help: "Entries to fill, spread over the academic year 2026/27.")
    var entries = 1_000_000

    @Option(help: "Keep the filled journal in this folder (it must not exist).")
    var keep: String?

    @Option(help: "Timed runs.")
    var runs = 5

    func run() async throws {
        let folder =
            keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("senim-stats-bench-\(UUID().uuidString)")
        let passphrase = "bench passphrase, not a secret"
        let created = try Journal.create(
            directory: folder, leadName: "lead", passphrase: Passphrase(passphrase), kdf: .moderate,
            now: Date())
        try Data((passphrase + "\n").utf8).write(to: folder.appendingPathComponent("passphrase.txt"))
        let leadID: Int64 = 1
        let fillStart = ContinuousClock.now
        let queue = try DatabaseQueue(path: folder.appendingPathComponent(JournalDatabase.fileName).path)
        let types = CrueltyType.allCases.map(\.rawValue)
        // 2026-09-01 in Almaty, then spread evenly over 365 days.
        let yearStart = try Date("2026-08-31T19:00:00Z", strategy: .iso8601).timeIntervalSince1970
        try await queue.write { db in
            var generator = SplitMix(seed: 2026)
            let entry = try db.makeStatement(
                sql: """
                    INSERT INTO entry (number, academic_year, sequence, channel, reporter_role, types, victims,
                    aggressors, witnesses, aggressor_kind, received_at, registered_at, registered_by, status,
                    staff_dismissed) VALUES (?, '2026/27', ?, 'web-form', 'student-self', ?, ?, ?, ?, 'student', ?, ?, ?,
                    'registered', ?)
                    """)
            let person = try db.makeStatement(sql: "INSERT INTO person (code_mac) VALUES (?)")
            let link = try db.makeStatement(
                sql: "INSERT INTO entry_person (entry_id, person_id, role, facts) VALUES (?, ?, ?, ?)")
            let people = max(1, self.entries / 10)
            for p in 0..<people {
                try person.execute(arguments: [Data(String(p).utf8)])
            }
            let facts = [
                "", "", "", "high-risk", "injured", "long-absent", "high-risk,juvenile-police", "victim-of-staff",
            ]
            for i in 0..<self.entries {
                let first = types[Int(generator.next() % UInt64(types.count))]
                let second = generator.next() % 4 == 0 ? "," + types[Int(generator.next() % UInt64(types.count))] : ""
                let at = Date(timeIntervalSince1970: yearStart + Double(i) / Double(self.entries) * 365 * 86_400)
                let stamp = JournalClock.stamp(at)
                try entry.execute(arguments: [
                    "2026/27-\(i + 1)", i + 1, first + second, Int(generator.next() % 3), Int(generator.next() % 2),
                    Int(generator.next() % 3), stamp, stamp, leadID, generator.next() % 2000 == 0 ? 1 : 0,
                ])
                let entryID = db.lastInsertedRowID
                // About a third of entries name a student by code: repeated children across the year.
                if generator.next() % 3 == 0 {
                    let who = Int64(generator.next() % UInt64(people)) + 1
                    let role = ["victim", "aggressor", "witness"][Int(generator.next() % 3)]
                    try link.execute(arguments: [entryID, who, role, facts[Int(generator.next() % 8)]])
                }
            }
        }
        let filled = ContinuousClock.now - fillStart
        print("filled \(entries) entries in \(filled)")
        let period = StatsPeriod(year: AcademicYear(startYear: 2026), span: .quarter(2))
        var times: [Double] = []
        var incidents = 0
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let statistics = try created.journal.statistics(period)
            times.append((ContinuousClock.now - start).seconds)
            incidents = statistics.counts[.incidents]!.total
        }
        times.sort()
        print(
            String(
                format: "statistics for %@ (%d incidents): median %.3f s, best %.3f s, worst %.3f s over %d runs",
                period.description as NSString, incidents, times[times.count / 2], times[0], times[times.count - 1],
                runs))
        if keep == nil {
            try? FileManager.default.removeItem(at: folder)
        } else {
            print("journal kept in \(folder.path)")
        }
    }
}

/// A small deterministic generator, so every run fills the same journal.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct SealBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "The cost of sealing one padded report (crypto_box_seal), and the machine's crypto ceiling.",
        discussion: "Ceiling = cores ÷ cost: the most reports per second the intake could seal if it did nothing else.")

    @Option(help: "Reports to seal.")
    var count = 20_000

    func run() async throws {
        let pair = SealingKeyPair()
        let sealer = ReportSealer(recipient: pair.publicKey)
        let reports = (0..<100).map { Corpus.report($0) }
        _ = try sealer.seal(reports[0])
        func microsEach(_ body: (Report) throws -> Void) rethrows -> Double {
            let start = ContinuousClock.now
            for i in 0..<count { try body(reports[i % reports.count]) }
            return (ContinuousClock.now - start).seconds / Double(count) * 1e6
        }
        let micros = try microsEach { _ = try sealer.seal($0) }
        let json = try microsEach { _ = try $0.jsonBytes() }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print(String(format: "seal (pad + crypto_box_seal + envelope): %.1f µs per report", micros))
        print(String(format: "  of which the payload's JSON: %.1f µs", json))
        print(
            String(
                format: "crypto ceiling: %d cores / %.1f µs = %.0f reports/s", cores, micros,
                Double(cores) / micros * 1e6))
    }
}

struct SpoolBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool",
        abstract: "The cost of storing sealed envelopes as the intake does: group commit, fsync, checkpoints.",
        discussion: "WRITERS tasks append already sealed envelopes (each with a fresh ID) for SECONDS; prints "
            + "envelopes stored per second and the process's CPU time per envelope.")

    @Option(help: "Seconds to run.")
    var seconds = 10

    @Option(help: "Concurrent writers (the intake's connections).")
    var writers = 64

    func run() async throws {
        let sealer = ReportSealer(recipient: SealingKeyPair().publicKey)
        let entries = try (0..<200).map { SpoolEntry(envelope: try sealer.seal(Corpus.report($0)), day: "2026-11-22") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("senim-spool-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try SpoolDatabase(path: folder.appendingPathComponent("spool.sqlite").path)
        let writer = SpoolWriter(database: spool)
        func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        let deadline = ContinuousClock.now + .seconds(seconds)
        let cpuBefore = cpuSeconds()
        let start = ContinuousClock.now
        let stored = try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<writers {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < deadline {
                        var entry = entries[(lane + count) % entries.count]
                        entry.id = Data(Sodium.randomBytes(16))
                        try await writer.append(entry)
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let wall = (ContinuousClock.now - start).seconds
        let cpu = cpuSeconds() - cpuBefore
        print(String(format: "stored %d envelopes in %.1f s = %.0f/s", stored, wall, Double(stored) / wall))
        print(String(format: "CPU per envelope: %.1f µs (%.2f cores busy)", cpu / Double(stored) * 1e6, cpu / wall))
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
