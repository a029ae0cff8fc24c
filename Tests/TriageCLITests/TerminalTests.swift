#if os(Linux)
    import Foundation
    import ReportFormat
    import SafetyKeys
    import TestSupport
    import Testing

    /// Why a terminal run could not go on.
    private struct TerminalRunError: Error, CustomStringConvertible {
        let description: String
    }

    /// The C library's pseudo-terminal calls, which the Glibc module does not import (they need _XOPEN_SOURCE).
    private enum PTY {
        typealias Call = @convention(c) (Int32) -> Int32
        typealias NameCall = @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32

        static let grantpt = function("grantpt", as: Call.self)
        static let unlockpt = function("unlockpt", as: Call.self)
        static let ptsname_r = function("ptsname_r", as: NameCall.self)

        private static func function<T>(_ name: String, as type: T.Type) -> T {
            guard let symbol = dlsym(nil, name) else { fatalError("the C library has no \(name)") }
            return unsafeBitCast(symbol, to: type)
        }
    }

    /// What a terminal run printed.
    private struct TerminalResult {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `senim` with a pseudo-terminal as its controlling terminal, as when a person types at it.
    ///
    /// `setsid --ctty` starts a new session whose controlling terminal is the pty on stdin, so `/dev/tty` is
    /// that pty; stdout and stderr stay pipes. Before exec the shell raises the core-file limit, so a limit
    /// of 0 seen later was set by `senim` itself.
    private final class TerminalRun: @unchecked Sendable {
        private let process = Process()
        private let master: Int32
        private let output = Pipe()
        private let errors = Pipe()
        private let lock = NSLock()
        private var screenBytes: [UInt8] = []
        private let timeout: TimeInterval = 120

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
            var name = [CChar](repeating: 0, count: 128)
            guard master >= 0, PTY.grantpt(master) == 0, PTY.unlockpt(master) == 0,
                PTY.ptsname_r(master, &name, name.count) == 0
            else {
                throw TerminalRunError(
                    description: "cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
            }
            let slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard slave >= 0 else { throw TerminalRunError(description: "cannot open \(String(cString: name))") }
            defer { close(slave) }
            let senim = Repository.binaries.appendingPathComponent("senim").path
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments =
                [
                    "--wait", "--ctty", "/bin/sh", "-c", #"ulimit -c unlimited || exit 99; exec "$0" "$@""#, senim,
                ] + arguments
            var env = ProcessInfo.processInfo.environment
            env["SENIM_LANG"] = "en"
            for (key, value) in environment { env[key] = value }
            process.environment = env
            process.standardInput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let thread = Thread { [self] in readScreen() }
            thread.start()
        }

        deinit { close(master) }

        private func readScreen() {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(master, &buffer, buffer.count)
                if n < 0, errno == EINTR { continue }
                // EIO once every process holding the terminal has gone.
                if n <= 0 { return }
                lock.withLock { screenBytes += buffer[0..<n] }
            }
        }

        /// Everything `senim` wrote to the terminal so far.
        var screen: String { lock.withLock { String(decoding: screenBytes, as: UTF8.self) } }

        private func poll(_ what: String, until condition: () -> Bool) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while !condition() {
                guard Date() < deadline, process.isRunning else {
                    throw TerminalRunError(description: "gave up waiting for \(what); terminal shows: \(screen)")
                }
                usleep(20_000)
            }
        }

        /// Waits until the terminal shows `text` and input is no longer echoed: `senim` is then reading a
        /// passphrase, and what is typed now is neither flushed away nor shown.
        func waitForPrompt(_ text: String) throws {
            try poll("the prompt \(text)") { screen.contains(text) }
            try poll("echo to be turned off") {
                var settings = termios()
                // On Linux the master end reports the settings of the terminal `senim` changed.
                return tcgetattr(master, &settings) == 0 && settings.c_lflag & tcflag_t(ECHO) == 0
            }
        }

        func type(_ line: String) {
            let bytes = Array((line + "\n").utf8)
            _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        }

        /// The process ID of `senim` (the shell execs it; `setsid` may have forked first).
        func senimPID() throws -> pid_t {
            let parent = process.processIdentifier
            var found: pid_t?
            try poll("senim to start") {
                found = ([parent] + Self.children(of: parent)).first { Self.command(of: $0) == "senim" }
                return found != nil
            }
            return found!
        }

        private static func command(of pid: pid_t) -> String? {
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        private static func children(of parent: pid_t) -> [pid_t] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { entry -> pid_t? in
                guard let pid = pid_t(entry),
                    let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")")
                else { return nil }
                // Fields after the command name: state, then the parent's ID.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
            }
        }

        /// Waits for `senim` to exit and returns what it printed.
        func finish() throws -> TerminalResult {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                if let pid = try? senimPID() { kill(pid, SIGKILL) }
                process.terminate()
                process.waitUntilExit()
                throw TerminalRunError(description: "senim did not exit; terminal shows: \(screen)")
            }
            return TerminalResult(
                status: process.terminationStatus,
                stdout: String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                stderr: String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
    }

    /// The soft and hard core-file limits of a running process, from `/proc/<pid>/limits`.
    private func coreFileLimits(of pid: pid_t) throws -> [Substring] {
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") } ?? ""
        return Array(line.dropFirst("Max core file size".count).split(separator: " ").prefix(2))
    }

    @Suite struct PassphraseAtTheTerminal {
        let out: TemporaryDirectory
        init() throws { out = try TemporaryDirectory() }

        @Test func typingThePassphraseTwiceCreatesTheKeysWithoutShowingIt() throws {
            let english = try messageTable("en")
            let passphrase = "сенім терезесі 2026 жылы"
            let run = try TerminalRun(["keys", "generate", "--out", out.url.path])
            try run.waitForPrompt(try #require(english["prompt.new_passphrase"]))
            run.type(passphrase)
            try run.waitForPrompt(try #require(english["prompt.repeat_passphrase"]))
            run.type(passphrase)
            let result = try run.finish()

            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(!run.screen.contains(passphrase))
            #expect(!run.screen.contains("сенім"))
            #expect(try listing(out) == ["safety-service.key", "safety-service.pub"])
            let file = try SecretKeyFile(
                fileText: String(contentsOfFile: out.path("safety-service.key"), encoding: .utf8))
            let publicKey = try SealingPublicKey(contentsOf: URL(fileURLWithPath: out.path("safety-service.pub")))
            #expect(try SealingKeyPair(file: file, passphrase: Passphrase(passphrase)).publicKey == publicKey)
        }

        @Test func differentPassphrasesCreateNothingAndPromptsFollowTheLanguage() throws {
            let russian = try messageTable("ru")
            let run = try TerminalRun(["keys", "generate", "--out", out.url.path, "--lang", "ru"])
            try run.waitForPrompt(try #require(russian["prompt.new_passphrase"]))
            run.type("первая длинная фраза")
            try run.waitForPrompt(try #require(russian["prompt.repeat_passphrase"]))
            run.type("вторая длинная фраза")
            let result = try run.finish()

            #expect(result.status == 1)
            #expect(result.stderr == (try expectedError("ru", "error.mismatch", hint: "hint.mismatch")))
            #expect(try listing(out) == [])
        }

        @Test func senimTurnsOffCoreDumpsBeforeAskingForASecret() throws {
            let run = try TerminalRun(["keys", "generate", "--out", out.url.path])
            try run.waitForPrompt(try #require(try messageTable("en")["prompt.new_passphrase"]))
            let limits = try coreFileLimits(of: try run.senimPID())
            run.type("")
            let result = try run.finish()

            // The shell raised the limit before exec (it exits 99 if it could not), so 0 is senim's doing.
            #expect(result.status != 99, "the test could not raise RLIMIT_CORE")
            #expect(limits == ["0", "0"])
            #expect(result.status == 1)
            #expect(
                result.stderr == (try expectedError("en", "error.empty_passphrase", hint: "hint.empty_passphrase")))
        }

        @Test func shellRaisesTheCoreLimitSoTheHardeningTestCanFail() throws {
            let result = try ProgramRunner.run(
                "/bin/sh", ["-c", "ulimit -c unlimited || exit 99; grep 'Max core file size' /proc/self/limits"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("unlimited"))
        }
    }
#endif
