import Foundation
import ReportFormat
import Spool
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// The real `senim-intake` executable, its logs in files, sent reports that carry canaries from several loopback
    /// addresses; then every file it wrote is searched.
    @Suite struct AnonymityTests {
        /// Every canary starts with this, so one scan of a file finds any of them.
        static let marker = "zqxcanary"
        static let sources = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"]

        struct Failure: Error, CustomStringConvertible {
            let description: String
        }

        /// A free TCP port on the loopback interface.
        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw Failure(description: "no free port") }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        /// One HTTP/1.1 exchange from a chosen source address to 127.0.0.1:`port`; returns the status code.
        static func exchange(from source: String, port: Int, request: [UInt8]) throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "no socket") }
            defer { close(fd) }
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            var remote = sockaddr_in()
            remote.sin_family = sa_family_t(AF_INET)
            remote.sin_addr.s_addr = inet_addr("127.0.0.1")
            remote.sin_port = in_port_t(UInt16(port).bigEndian)
            let size = socklen_t(MemoryLayout<sockaddr_in>.size)
            let connected = withUnsafePointer(to: &local) { localPointer in
                withUnsafePointer(to: &remote) { remotePointer in
                    localPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { l in
                        remotePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { r in
                            bind(fd, l, size) == 0 && connect(fd, r, size) == 0
                        }
                    }
                }
            }
            guard connected else { throw Failure(description: "cannot connect from \(source): \(errno)") }
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var sent = 0
            while sent < request.count {
                let count = request[sent...].withUnsafeBytes {
                    send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                guard count > 0 else { break }
                sent += count
            }
            var response: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                response += buffer[0..<count]
            }
            let head = String(decoding: response.prefix(12), as: UTF8.self)
            return Int(head.dropFirst(9).prefix(3)) ?? 0
        }

        static func randomToken(_ length: Int) -> String {
            let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
            return String((0..<length).map { _ in letters.randomElement()! })
        }

        @Test func aThousandReportsLeaveNoCanaryAndNoAddressInAnyFileTheIntakeWrote() throws {
            let folder = try TemporaryDirectory()
            let port = try Self.freePort()
            let intake = Process()
            intake.executableURL = Repository.binaries.appendingPathComponent("senim-intake")
            intake.arguments = [
                "--port", "\(port)", "--public-key", TestKeys.publicKeyURL.path, "--web", Repository.web.path,
                "--spool", folder.path("spool.sqlite"), "--per-client-per-minute", "0", "--global-per-minute", "0",
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["TMPDIR"] = folder.path("tmp")
            try FileManager.default.createDirectory(atPath: folder.path("tmp"), withIntermediateDirectories: true)
            intake.environment = environment
            FileManager.default.createFile(atPath: folder.path("stdout.log"), contents: nil)
            FileManager.default.createFile(atPath: folder.path("stderr.log"), contents: nil)
            intake.standardOutput = try FileHandle(forWritingTo: folder.url.appendingPathComponent("stdout.log"))
            intake.standardError = try FileHandle(forWritingTo: folder.url.appendingPathComponent("stderr.log"))
            try intake.run()
            defer { if intake.isRunning { intake.terminate() } }

            let ready = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
            let deadline = Date().addingTimeInterval(30)
            while (try? Self.exchange(from: "127.0.0.1", port: port, request: ready)) != 200 {
                try #require(Date() < deadline && intake.isRunning, "the intake did not start")
                usleep(100_000)
            }

            var accepted = 0
            let count = 1_000
            for index in 0..<count {
                var fields = Sample.of([.kk, .ru, .en][index % 3]).fields
                let secret = Self.marker + Self.randomToken(64 - Self.marker.count)
                fields.set("text", "Мені қорқытады. Меня пугают. \(secret)")
                let body = Array(fields.encoded.utf8)
                let headers: [String] = [
                    "POST /report HTTP/1.1",
                    "Host: localhost",
                    "User-Agent: Mozilla/5.0 (" + Self.marker + "ua" + Self.randomToken(24) + ")",
                    "X-Forwarded-For: 203.0.113.\(index % 250), " + Self.marker + "xff" + Self.randomToken(16),
                    "Cookie: session=" + Self.marker + "cookie\(index)",
                    "Content-Type: application/x-www-form-urlencoded",
                    "Content-Length: \(body.count)",
                    "Connection: close",
                ]
                let request = Array((headers.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
                if try Self.exchange(from: Self.sources[index % Self.sources.count], port: port, request: request)
                    == 200
                {
                    accepted += 1
                }
            }
            intake.terminate()
            intake.waitUntilExit()
            #expect(accepted == count)

            // Every file the intake wrote: the spool and its WAL and shared memory, its logs, its temporary files.
            let spool = try SpoolDatabase(path: folder.path("spool.sqlite"))
            let entries = try spool.all()
            #expect(entries.count == count)
            let sizes = Set(
                FormatConstants.paddingBuckets.map {
                    FormatConstants.envelopeHeaderLength + Sodium.sealOverhead + $0
                })
            #expect(entries.allSatisfy { sizes.contains($0.envelope.count) }, "only the padding buckets' sizes")

            var files: [String] = []
            let walker = FileManager.default.enumerator(atPath: folder.url.path)
            while let name = walker?.nextObject() as? String {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: folder.path(name), isDirectory: &isDirectory),
                    !isDirectory.boolValue
                {
                    files.append(name)
                }
            }
            #expect(files.contains("spool.sqlite"))
            #expect(files.contains("stderr.log"))
            // The control: the logs were captured and are searched (the intake does log, just nothing identifying).
            let logs = try [folder.path("stdout.log"), folder.path("stderr.log")]
                .map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
            #expect(logs.contains("senim-intake ready"))
            let needles = [Self.marker, "203.0.113."] + Self.sources
            for file in files {
                let bytes = try Data(contentsOf: folder.url.appendingPathComponent(file))
                for needle in needles {
                    #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) is in \(file)")
                }
            }
        }
    }
#endif
