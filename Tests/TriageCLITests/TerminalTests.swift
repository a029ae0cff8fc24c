#if os(Linux)
    import Foundation
    import ReportFormat
    import SafetyKeys
    import Spool
    import TestSupport
    import Testing

    /// Why a terminal run could not go on.
    struct TerminalRunError: Error, CustomStringConvertible {
        let description: String
    }

    /// The C library's pseudo-terminal calls, which the Glibc module does not import (they need _XOPEN_SOURCE).
    enum PTY {
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
    struct TerminalResult {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `senim` with a pseudo-terminal as its controlling terminal, as when a person types at it.
    ///
    /// `setsid --ctty` starts a new session whose controlling terminal is the pty on stdin, so `/dev/tty` is
    /// that pty; stdout and stderr stay pipes. Before exec the shell raises the core-file limit, so a limit
    /// of 0 seen later was set by `senim` itself.
    final class TerminalRun: @unchecked Sendable {
        private let process = Process()
        private let master: Int32
        private let output = Pipe()
        private let errors = Pipe()
        private let lock = NSLock()
        private var screenBytes: [UInt8] = []
        private let timeout: TimeInterval = 120
        private let everythingOnTerminal: Bool

        /// With `everythingOnTerminal`, stdout and stderr are the terminal too, as for a person at a console.
        init(_ arguments: [String], environment: [String: String] = [:], everythingOnTerminal: Bool = false) throws {
            master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
            var name = [CChar](repeating: 0, count: 128)
            guard master >= 0, PTY.grantpt(master) == 0, PTY.unlockpt(master) == 0,
                PTY.ptsname_r(master, &name, name.count) == 0
            else {
                throw TerminalRunError(
                    description: "cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
            }
            let slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard slave >= 0 else {
                let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw TerminalRunError(description: "cannot open \(path)")
            }
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
            self.everythingOnTerminal = everythingOnTerminal
            if everythingOnTerminal {
                process.standardOutput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
                process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
            } else {
                process.standardOutput = output
                process.standardError = errors
            }
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

        /// Waits until the terminal shows `text` somewhere after the first `offset` characters; returns where
        /// the screen ends then.
        @discardableResult
        func waitFor(_ text: String, after offset: Int) throws -> Int {
            var end = offset
            try poll("\(text)") {
                let shown = screen
                end = shown.count
                return shown.dropFirst(max(0, offset)).contains(text)
            }
            return end
        }

        /// Types a line and waits until `senim` asks the next question: the screen has grown past the echo
        /// and ends with a prompt (`: ` or `› `). Returns where the screen ends then.
        @discardableResult
        func answer(_ line: String) throws -> Int {
            let before = screen.count
            type(line)
            var end = before
            try poll("the question after \"\(line)\"") {
                let shown = screen
                end = shown.count
                return shown.count > before + line.count && (shown.hasSuffix(": ") || shown.hasSuffix("› "))
            }
            return end
        }

        /// Answers Enter (keeping each value in brackets) until the screen shows `text` after `offset`; at most
        /// `limit` questions.
        func enterUntil(_ text: String, after offset: Int, limit: Int = 30) throws {
            var questions = 0
            while !screen.dropFirst(offset).contains(text) {
                questions += 1
                guard questions < limit else {
                    throw TerminalRunError(
                        description: "no \(text) after \(limit) questions; terminal shows: \(screen)")
                }
                try answer("")
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
            // The pipes were not given to `senim` when everything went to the terminal: nothing to read.
            if everythingOnTerminal { return TerminalResult(status: process.terminationStatus, stdout: "", stderr: "") }
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

    /// `senim triage` driven like a person at an 80×24 console: unlock, open the report, register it, quit.
    @Suite struct TriageAtTheTerminal {
        let passphrase = "the lead's own long passphrase"
        let words = "Мені сыныптастарым күнде мазақ етеді, телефонымды тартып алады."

        func jsonArray(_ output: String) throws -> [Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Any], "not a list: \(output)")
        }

        /// A journal with one collected report, sealed to its key and pulled from a spool as the intake leaves it.
        func journalWithOneReport() async throws -> CLIJournal {
            let journal = try CLIJournal(entries: [], passphrase: passphrase)
            let pulled = try await journal.pull([
                sampleReport(
                    words, language: .kk, hour: "2026-11-20T04:00:00Z", reporter: .studentSelf,
                    what: [.bullying, .cyberbullying], timing: .ongoing, classOrGrade: "6А")
            ])
            try #require(pulled.status == 0, "\(pulled.stderr)")
            return journal
        }

        @Test func unlockOpenRegisterQuitLeavesTheEntryInTheJournal() async throws {
            let fixture = try await journalWithOneReport()
            let (journal, secret) = (fixture.path, fixture.secret)
            let english = try messageTable("en")
            func text(_ key: String) throws -> String { try #require(english[key], "en.json has no \(key)") }

            let run = try TerminalRun(
                ["triage", "--journal", journal], environment: ["COLUMNS": "80", "LINES": "24"],
                everythingOnTerminal: true)
            try run.waitForPrompt(try text("prompt.passphrase").replacingOccurrences(of: "{member}", with: "lead"))
            run.type(passphrase)
            var offset = try run.waitFor(try text("key.open"), after: 0)
            #expect(run.screen.contains("reports waiting: 1, urgent: 0"))

            offset = try run.answer("1")
            try run.waitFor(try text("key.register"), after: 0)
            #expect(run.screen.contains(words), "the report is shown as the reporter wrote it")

            offset = try run.answer("g")
            // Enter keeps each answer the report already gave, until the last question.
            try run.enterUntil(try text("triage.confirm_register"), after: offset)
            offset = run.screen.count
            try run.answer("y")
            try run.waitFor("registered as entry 2026/27-001", after: offset)
            try run.waitFor(try text("triage.empty"), after: offset)
            run.type("q")
            let result = try run.finish()

            #expect(result.status == 0, "terminal shows: \(run.screen)")
            #expect(!run.screen.contains(passphrase), "the passphrase is never echoed")
            let shown = try senim([
                "journal", "show", "1", "--json", "--journal", journal, "--passphrase-file", secret.path,
            ])
            try #require(shown.status == 0, "\(shown.stderr)")
            let entry = try #require(
                try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            #expect(entry["number"] as? String == "2026/27-001")
            #expect(shown.stdout.contains("bullying") && shown.stdout.contains("cyberbullying"))
            #expect(shown.stdout.contains("6А"))
            #expect(shown.stdout.contains(words))
            let inbox = try senim(["inbox", "--json", "--journal", journal, "--passphrase-file", secret.path])
            #expect(inbox.status == 0)
            #expect(try jsonArray(inbox.stdout).isEmpty)
        }

        @Test func answeringNoRegistersNothing() async throws {
            let fixture = try await journalWithOneReport()
            let (journal, secret) = (fixture.path, fixture.secret)
            let english = try messageTable("en")
            func text(_ key: String) throws -> String { try #require(english[key], "en.json has no \(key)") }

            let run = try TerminalRun(["triage", "--journal", journal], everythingOnTerminal: true)
            try run.waitForPrompt(try text("prompt.passphrase").replacingOccurrences(of: "{member}", with: "lead"))
            run.type(passphrase)
            try run.waitFor(try text("key.open"), after: 0)
            try run.answer("1")
            let offset = try run.answer("g")
            try run.enterUntil(try text("triage.confirm_register"), after: offset)
            let beforeNo = run.screen.count
            try run.answer("n")
            try run.waitFor(try text("triage.not_registered"), after: beforeNo)
            run.type("q")
            let result = try run.finish()

            #expect(result.status == 0, "terminal shows: \(run.screen)")
            let list = try senim(["journal", "list", "--json", "--journal", journal, "--passphrase-file", secret.path])
            #expect(list.status == 0)
            #expect(try jsonArray(list.stdout).isEmpty)
            let inbox = try senim(["inbox", "--json", "--journal", journal, "--passphrase-file", secret.path])
            #expect(inbox.stdout.contains(words))
        }
    }

    /// `senim assess` answered at the terminal, in Russian, like a lead going through the protocol.
    @Suite struct AssessAtTheTerminal {
        @Test func answeringOverridingWithAReasonAndSaving() throws {
            let journal = try CLIJournal()
            let ru = try messageTable("ru")
            func text(_ key: String) throws -> String { try #require(ru[key], "ru.json has no \(key)") }
            let run = try TerminalRun(
                ["assess", "1", "--journal", journal.path, "--passphrase-file", journal.secret.path, "--lang", "ru"],
                everythingOnTerminal: true)
            try run.waitFor("Enter — неизвестно · и — назад]: ", after: 0)
            #expect(run.screen.contains(try text("protocol.risk.1")))
            // 22 risk, 11 vulnerability and 10 protective questions; the 30th is vulnerability 8.
            for question in 1...43 {
                if question == 30 {
                    try run.answer(try text("answer.yes_key"))
                    try run.answer("сказал на перемене")
                } else {
                    try run.answer("")
                }
            }
            #expect(run.screen.contains(try text("protocol.protective.10")))
            #expect(run.screen.contains(try text("protocol.vulnerability.8")))
            // Every answer on one screen before anything is saved; the Latin s (and its Cyrillic ы) goes on.
            try run.waitFor(try text("assess.review_heading"), after: 0)
            try run.answer("s")
            #expect(run.screen.contains("высокий"), "the proposal is high")
            try run.answer(try text("answer.no_key"))  // do not accept: choose another level
            try run.answer("2")  // medium
            try run.answer("")  // no reason: asked again
            #expect(run.screen.contains(try text("assess.reason_required")))
            try run.answer("ученик пошутил, проверено с психологом")
            try run.answer("")  // the outcome medium calls for: school level
            let before = run.screen.count
            run.type(try text("answer.yes_key"))
            try run.waitFor("сохранена", after: before)
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen)")

            let shown = try journal.json(try journal.run(["journal", "show", "1", "--json"]).stdout)
            let assessment = try #require((shown["assessments"] as? [[String: Any]])?.first)
            #expect(assessment["proposed"] as? String == "high")
            #expect(assessment["decided"] as? String == "medium")
            #expect(assessment["reason"] as? String == "ученик пошутил, проверено с психологом")
            #expect(assessment["outcome"] as? String == "school")
            let text = try journal.run(["journal", "show", "1"], lang: "ru").stdout
            #expect(text.contains("сказал на перемене"), "the note is kept with the answer")
        }
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

    /// `senim review` worked at a terminal, in Kazakh, like a director.
    @Suite struct ReviewAtTheTerminal {
        @Test func theDirectorReadsCommentsAndSignsOffInKazakh() throws {
            let journal = try CLIJournal(entries: [["--type", "bullying"], ["--type", "physical"]])
            let directorSecret = try PassphraseFile("директордың өз құпия фразасы")
            let added = try journal.run([
                "members", "add", "Директор", "--role", "director", "--new-passphrase-file", directorSecret.path,
            ])
            try #require(added.status == 0, "\(added.stderr)")
            let kk = try messageTable("kk")
            func text(_ key: String) throws -> String { try #require(kk[key], "kk.json has no \(key)") }
            let run = try TerminalRun(
                ["review", "--journal", journal.path, "--as", "Директор", "--lang", "kk"],
                environment: ["COLUMNS": "80", "LINES": "24", "SENIM_NOW": "2026-11-23T05:00:00Z"],
                everythingOnTerminal: true)
            try run.waitForPrompt(try text("prompt.passphrase").replacingOccurrences(of: "{member}", with: "Директор"))
            run.type("директордың өз құпия фразасы")
            try run.waitFor(try text("key.open"), after: 0)
            #expect(run.screen.contains("Жазбалар: 2, тексеруді күтуде: 2"))

            var offset = run.screen.count
            try run.answer("2")
            try run.waitFor(try text("key.sign"), after: offset)
            // The entry is longer than 24 rows: its pages are turned with т (n) until the words are shown.
            for _ in 0..<5 where !run.screen.dropFirst(offset).contains("Звонок мамы") {
                let page = run.screen.count
                try run.answer("т")
                try run.waitFor(try text("key.sign"), after: page)
            }
            #expect(run.screen.dropFirst(offset).contains("Звонок мамы"), "the entry's words are shown")

            offset = run.screen.count
            try run.answer("c")
            try run.waitFor(try text("review.comment_prompt"), after: offset)
            offset = run.screen.count
            try run.answer("Сынып жетекшісімен сөйлесу")
            try run.waitFor("2026/27-002 жазбасына түсініктеме қосылды.", after: offset)
            #expect(run.screen.dropFirst(offset).contains("Сынып жетекшісімен сөйлесу"))

            offset = run.screen.count
            try run.answer("s")
            try run.waitFor(
                try text("review.confirm_sign").replacingOccurrences(of: "{number}", with: "2026/27-002"), after: offset
            )
            // What is still open is shown before the signature: the primary information is due.
            #expect(run.screen.dropFirst(offset).contains(try text("review.open_steps")))
            #expect(run.screen.dropFirst(offset).contains(try text("clock.primary-information")))
            offset = run.screen.count
            try run.answer("y")
            try run.waitFor("2026/27-002 жазбасына қол қойылды.", after: offset)
            try run.waitFor("Жазбалар: 2, тексеруді күтуде: 1", after: offset)
            // The signed entry keeps its number 2 for the rest of the session.
            try run.waitFor(" 2 ✓ 2026/27-002", after: offset)
            run.type("q")
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen)")

            let shown = try journal.run(["journal", "show", "2"])
            #expect(shown.stdout.contains("Директор: Сынып жетекшісімен сөйлесу"))
            #expect(shown.stdout.contains("Директор · matches the entry"))
            let verify = try senim(["journal", "verify", "--journal", journal.path])
            #expect(verify.status == 0, "\(verify.stdout)")
        }
    }

    /// `senim journal update` answered at the terminal, in Russian.
    @Suite struct UpdateAtTheTerminal {
        @Test func aStudentsPartAndFactsAreAskedOneByOne() throws {
            let journal = try CLIJournal()
            let ru = try messageTable("ru")
            func text(_ key: String) throws -> String { try #require(ru[key], "ru.json has no \(key)") }
            let run = try TerminalRun(
                [
                    "journal", "update", "1", "--journal", journal.path, "--passphrase-file", journal.secret.path,
                    "--lang", "ru",
                ],
                environment: ["SENIM_NOW": "2026-11-23T05:00:00Z"], everythingOnTerminal: true)
            try run.waitFor(
                try text("update.ask_role").replacingOccurrences(of: "{number}", with: "2026/27-001"), after: 0)
            try run.answer("1")
            try run.waitFor(try text("update.ask_code"), after: 0)
            try run.answer("С-5")
            // Seven facts, each yes or no: yes to the first (high-risk group), no to the rest.
            try run.answer("y")
            for _ in 1..<6 { try run.answer("n") }
            run.type("n")
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen)")
            #expect(run.screen.contains("С-5 · жертва (пострадавший) · включён в группу высокого риска"))
        }
    }
#endif
