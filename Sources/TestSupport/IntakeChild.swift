import Foundation
import Spool
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// The real `senim-intake` executable as a child process: the one launcher of the tests. It binds port 0 and
    /// its log says which port it got (a port found free beforehand can be taken, before the intake binds it, by a
    /// client connection of another test running at the same time). Its standard output and error go to
    /// `stdout.log` and `stderr.log` in its folder, appended to when an intake is started again on the same folder.
    /// Every intake started is stopped when the test process exits, even if no test stopped it.
    public final class IntakeChild: @unchecked Sendable {
        /// Flood control off: tests that send many reports from one address.
        public static let noLimits = ["--per-client-per-minute", "0", "--global-per-minute", "0"]

        public let process = Process()
        /// Holds the folder for as long as the intake lives.
        public let folder: TemporaryDirectory
        public let spoolPath: String
        /// The port it listens on, known once it is ready.
        public private(set) var port = 0
        private let log: String
        private let logStart: UInt64
        private let opened = Mutex<SpoolDatabase?>(nil)

        /// Every running intake's process ID, and the folder to remove, for the exit handler.
        private static let running: Mutex<[Int32: String]> = {
            atexit {
                IntakeChild.running.withLock {
                    for (pid, folder) in $0 {
                        kill(pid, SIGTERM)
                        try? FileManager.default.removeItem(atPath: folder)
                    }
                }
            }
            return Mutex([:])
        }()

        /// Starts the intake with the fixture key, the repository's web folder, no collector key and `arguments`;
        /// returns at once (see `waitUntilReady`).
        public init(
            _ arguments: [String] = [], folder: TemporaryDirectory? = nil, spool: String? = nil,
            environment: [String: String] = [:]
        ) throws {
            let folder = try folder ?? TemporaryDirectory()
            self.folder = folder
            spoolPath = spool ?? folder.path("spool.sqlite")
            let collector =
                arguments.contains("--collector-key") ? [] : ["--collector-key", folder.path("no-collector.pub")]
            process.executableURL = Repository.binaries.appendingPathComponent("senim-intake")
            process.arguments =
                [
                    "--port", "0", "--public-key", TestKeys.publicKeyURL.path, "--web", Repository.web.path,
                    "--spool", spoolPath,
                ] + collector + arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            for name in ["stdout.log", "stderr.log"] where !FileManager.default.fileExists(atPath: folder.path(name)) {
                _ = FileManager.default.createFile(atPath: folder.path(name), contents: nil)
            }
            let stdout = try FileHandle(forWritingTo: folder.url.appendingPathComponent("stdout.log"))
            let stderr = try FileHandle(forWritingTo: folder.url.appendingPathComponent("stderr.log"))
            stdout.seekToEndOfFile()
            // swift-log writes to standard error.
            logStart = stderr.seekToEndOfFile()
            log = folder.path("stderr.log")
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let pid = process.processIdentifier
            let path = folder.url.path
            Self.running.withLock { $0[pid] = path }
        }

        /// Starts the intake and waits until it answers.
        public static func start(
            _ arguments: [String] = [], folder: TemporaryDirectory? = nil, spool: String? = nil,
            environment: [String: String] = [:]
        ) async throws -> IntakeChild {
            let intake = try IntakeChild(arguments, folder: folder, spool: spool, environment: environment)
            // Generous, and looking before giving up: with every suite running at once, this task can wait a long
            // time for a thread, and must still find an intake that started meanwhile.
            let deadline = Date().addingTimeInterval(120)
            while !(try intake.checkReady(deadline: deadline)) { try await Task.sleep(for: .milliseconds(20)) }
            return intake
        }

        /// Blocks until the intake has said its port and `GET /healthz` answers 200.
        public func waitUntilReady(seconds: Double = 120) throws {
            let deadline = Date().addingTimeInterval(seconds)
            while !(try checkReady(deadline: deadline)) { usleep(20_000) }
        }

        /// True once ready; throws once `deadline` has passed or the intake has exited.
        private func checkReady(deadline: Date) throws -> Bool {
            if port == 0 { port = Self.listeningPort(log: log, after: logStart) ?? 0 }
            if port != 0, (try? Wire.blockingExchange(port: port, Wire.get("/healthz"), timeout: 5))?.status == 200 {
                return true
            }
            // Looked before giving up: a test kept waiting by a busy machine must still find an intake that started.
            guard Date() < deadline, process.isRunning else {
                let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw Wire.Failure(
                    "senim-intake did not start (running: \(process.isRunning)); it said: \(said.suffix(2000))")
            }
            return false
        }

        /// The port in the line "Server started and listening on HOST:PORT" written to `log` after `offset`.
        public static func listeningPort(log: String, after offset: UInt64) -> Int? {
            guard let data = FileManager.default.contents(atPath: log), data.count > Int(offset) else { return nil }
            let text = String(decoding: data[Int(offset)...], as: UTF8.self)
            guard let found = text.range(of: "listening on ") else { return nil }
            let address = text[found.upperBound...].prefix { $0 != "\n" }
            guard let colon = address.lastIndex(of: ":") else { return nil }
            return Int(address[address.index(after: colon)...].prefix { $0.isNumber })
        }

        /// The intake's spool, opened once by this test.
        public var spool: SpoolDatabase {
            get throws {
                try opened.withLock { opened in
                    if let opened { return opened }
                    let database = try SpoolDatabase(path: spoolPath)
                    opened = database
                    return database
                }
            }
        }

        /// What the intake has written to standard error (its log).
        public var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        /// `SIGTERM`, and waits for it to exit.
        public func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            forget()
        }

        /// `kill -9`: no handler runs, nothing is flushed.
        public func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            forget()
        }

        /// The process's resident memory (VmRSS), in kB.
        public func residentKilobytes() throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
            else { throw Wire.Failure("no VmRSS line in /proc/…/status") }
            return kilobytes
        }

        private func forget() {
            let pid = process.processIdentifier
            Self.running.withLock { $0[pid] = nil }
        }

        deinit {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            forget()
        }
    }
#endif
