import Foundation
import IntakeServer
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// Text browsers speak HTTP/1.0 and wait for the connection to close: the intake closes it after the answer
    /// unless keep-alive was asked for, so a page is not held to the idle timeout (issue 16).
    @Suite struct TextBrowserTests {
        static func installed(_ tool: String) -> Bool {
            FileManager.default.isExecutableFile(atPath: "/usr/bin/\(tool)")
        }

        @Test(
            .enabled(if: installed("lynx") && installed("w3m"), "lynx and w3m come with .ci/setup test"),
            arguments: [["/usr/bin/lynx", "-dump", "-nolist"], ["/usr/bin/w3m", "-dump"]])
        func aTextBrowserGetsTheFormAtOnce(browser: [String]) async throws {
            let intake = try await IntakeChild.start(["--idle-timeout", "30"])
            defer { intake.stop() }
            let started = Date()
            let result = try ProgramRunner.run(
                browser[0], Array(browser.dropFirst()) + ["http://127.0.0.1:\(intake.port)/?lang=ru"],
                environment: ["TERM": "dumb", "HOME": NSTemporaryDirectory()])
            let elapsed = Date().timeIntervalSince(started)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("112"), "the page arrived: \(result.stdout.prefix(200))")
            // Held to the idle timeout it took 30 s; measured under 0.3 s (see the note of issue 16).
            #expect(elapsed < 10, "\(browser[0]) took \(elapsed) s")
        }

        @Test(.enabled(if: installed("lynx"), "lynx comes with .ci/setup test"))
        func lynxChoosesNoAnswerForTheChild() async throws {
            let intake = try await IntakeChild.start([])
            defer { intake.stop() }
            let dump = try ProgramRunner.run(
                "/usr/bin/lynx", ["-dump", "-nolist", "http://127.0.0.1:\(intake.port)/?lang=en"],
                environment: ["TERM": "dumb", "HOME": NSTemporaryDirectory()])
            #expect(dump.status == 0)
            // lynx checks the first button of every radio group: it is "not chosen yet", never an answer.
            let checked = dump.stdout.split(separator: "\n").filter { $0.contains("(*)") }
            #expect(checked.count == 4, "\(checked)")
            #expect(checked.allSatisfy { $0.contains("not chosen yet") }, "\(checked)")
            #expect(dump.stdout.contains("( ) I am a student, it is about me"))
            // And sent as lynx sends it, the unanswered groups come back as questions, nothing stored.
            let asLynx =
                "lang=en&once=\(OnceTokens.make())&reporter=&what=bullying&where=&when=&danger=&text=help&website="
            let answer = try await Wire.exchange(port: intake.port, Wire.form("/report?lang=en", asLynx))
            #expect(answer.response?.status == 400)
            #expect(answer.response?.text.contains("field-reporter") == true)
            #expect(try intake.spool.count() == 0)
        }

        @Test func anHTTP10RequestIsClosedAfterItsAnswerUnlessItAskedForKeepAlive() async throws {
            let intake = try await IntakeChild.start(["--idle-timeout", "30"])
            defer { intake.stop() }
            let plain = Array("GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n".utf8)
            let answer = try await Wire.exchange(port: intake.port, plain, timeout: 5)
            #expect(answer.response?.status == 200)
            #expect(answer.closed, "closed after the answer, not held to the idle timeout")

            let keepAlive = Array("GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n".utf8)
            let kept = try await Wire.exchange(port: intake.port, keepAlive, timeout: 2)
            #expect(kept.response?.status == 200)
            #expect(!kept.closed, "keep-alive was asked for: the connection stays open")
        }
    }
#endif
