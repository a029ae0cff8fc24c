import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import Spool
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// "Received" means stored: rounds of load against the real `senim-intake`, each ended by `kill -9` at a random
    /// moment and followed by a restart on the same spool.
    ///
    /// `SENIM_CRASH_ROUNDS` sets the number of rounds (default 5, for CI; the README records a 50-round run).
    @Suite struct CrashTests {
        /// The tokens of the reports the intake acknowledged (303 to the confirmation), gathered from several client
        /// threads.
        final class Acknowledged: @unchecked Sendable {
            private let lock = NSLock()
            private var tokens: Set<String> = []
            private var refusals = 0

            func add(_ token: String) { lock.withLock { _ = tokens.insert(token) } }
            func refused() { lock.withLock { refusals += 1 } }
            var all: Set<String> { lock.withLock { tokens } }
            var otherStatuses: Int { lock.withLock { refusals } }
        }

        static var rounds: Int {
            ProcessInfo.processInfo.environment["SENIM_CRASH_ROUNDS"].flatMap(Int.init) ?? 5
        }

        /// Clients that post reports as fast as the intake takes them until it stops answering.
        static func load(port: Int, round: Int, clients: Int, into acknowledged: Acknowledged) -> DispatchGroup {
            let group = DispatchGroup()
            for client in 0..<clients {
                group.enter()
                Thread {
                    defer { group.leave() }
                    var sequence = 0
                    while true {
                        sequence += 1
                        let token = "crash-r\(round)-c\(client)-n\(sequence)"
                        var fields = Sample.of([.kk, .ru, .en][sequence % 3]).fields
                        fields.set("text", "Мені қорқытады. Меня пугают. \(token)")
                        guard
                            let status = try? Wire.blockingExchange(port: port, Wire.form("/report", fields.encoded))
                                .status
                        else { return }  // the intake is gone
                        if status == 303 {
                            acknowledged.add(token)
                        } else if status != 0 {
                            acknowledged.refused()
                        }
                    }
                }.start()
            }
            return group
        }

        @Test func everyAcknowledgedReportSurvivesKillDashNine() throws {
            let folder = try TemporaryDirectory()
            let spoolPath = folder.path("spool.sqlite")
            let acknowledged = Acknowledged()
            var perRound: [Int] = []
            var delays: [Int] = []
            for round in 0..<Self.rounds {
                // Restarting on the spool a crash left behind is itself part of the check.
                // Checkpoints every few reports and the log started over every few dozen, so that kills also
                // land while the log is copied into the database or started over.
                let intake = try IntakeChild(
                    IntakeChild.noLimits, folder: folder, spool: spoolPath,
                    environment: ["SENIM_CHECKPOINT_BYTES": "32768", "SENIM_RESTART_LOG_BYTES": "262144"])
                try intake.waitUntilReady()
                let before = acknowledged.all.count
                let clients = Self.load(port: intake.port, round: round, clients: 8, into: acknowledged)
                let delay = Int.random(in: 100...600)
                delays.append(delay)
                usleep(useconds_t(delay * 1000))
                intake.kill9()
                clients.wait()
                perRound.append(acknowledged.all.count - before)
            }
            #expect(perRound.allSatisfy { $0 > 0 }, "every round acknowledged reports before the kill: \(perRound)")
            #expect(acknowledged.otherStatuses == 0, "no answer but 303 while the intake ran")

            // The checkpoints ran: without them every page would still be in the log, the database file as
            // small as when it was made.
            let attributes = try FileManager.default.attributesOfItem(atPath: spoolPath)
            let databaseBytes = (attributes[.size] as? NSNumber)?.intValue ?? 0
            #expect(databaseBytes > 100 * 4096, "database file \(databaseBytes) bytes")

            let queue = try DatabaseQueue(path: spoolPath)
            let integrity = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            #expect(integrity == ["ok"])

            // Nothing partial: every row is a whole envelope of a padding bucket's size that opens.
            let entries = try SpoolDatabase(path: spoolPath).all()
            let keys = try TestKeys.keyPair()
            var stored: Set<String> = []
            for entry in entries {
                let report = try keys.open(Envelope(parsing: entry.envelope))
                if let token = report.text.split(separator: " ").last, token.hasPrefix("crash-") {
                    stored.insert(String(token))
                }
            }
            #expect(stored.count == entries.count, "every stored report is one the clients sent, once")
            let lost = acknowledged.all.subtracting(stored)
            #expect(lost.count == 0, "acknowledged but not stored, e.g. \(Array(lost.sorted().prefix(5)))")
            print(
                "crash test: \(Self.rounds) rounds, kills after \(delays) ms, acknowledged \(perRound) "
                    + "(\(acknowledged.all.count) in all), stored \(stored.count), lost \(lost.count)")
        }
    }
#endif
