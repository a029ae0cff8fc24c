import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// The intake says it is ready only once its port is bound, and a busy port is a plain error (issue 16).
    @Suite struct StartupTests {
        @Test func aBusyPortIsAPlainErrorAndReadyIsNeverSaid() throws {
            // Hold a port: a listening socket of this process.
            let (fd, port) = try Wire.listener()
            defer { close(fd) }

            let folder = try TemporaryDirectory()
            let result = try ProgramRunner.run(
                Repository.binaries.appendingPathComponent("senim-intake").path,
                [
                    "--port", "\(port)", "--public-key", TestKeys.publicKeyURL.path, "--web", Repository.web.path,
                    "--spool", folder.path("spool.sqlite"),
                ])
            #expect(result.status == 1)
            #expect(
                result.stderr.contains("senim-intake: error: port \(port) is in use on 127.0.0.1"), "\(result.stderr)")
            #expect(
                result.stderr.contains(
                    "hint: stop the program using it, or choose another port with --port or SENIM_PORT"))
            #expect(!result.stderr.contains("senim-intake ready"), "ready is said only once the port is bound")
            #expect(!result.stderr.contains("bind(descriptor"), "no raw NIO error")
        }

        @Test(arguments: [
            (["--public-key"], "senim-intake: error: Missing value for '--public-key <public-key>'"),
            (["--port", "70000"], "senim-intake: error: --port must be between 0 and 65535"),
            (["--no-such-flag"], "senim-intake: error: Unknown option '--no-such-flag'"),
        ])
        func aCommandLineThatCannotRunIsAPlainErrorWithAHint(arguments: [String], first: String) throws {
            let result = try ProgramRunner.run(
                Repository.binaries.appendingPathComponent("senim-intake").path, arguments)
            #expect(result.status == 64)
            #expect(result.stderr == first + "\nhint: see the options with: senim-intake --help\n", "\(result.stderr)")
        }
    }
#endif
