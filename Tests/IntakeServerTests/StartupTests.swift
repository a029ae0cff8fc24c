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
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            try #require(
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 }
                })
            try #require(listen(fd, 1) == 0)
            withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
            }
            let port = Int(UInt16(bigEndian: address.sin_port))

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
    }
#endif
