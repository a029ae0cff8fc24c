import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// Plain HTTP/1.1 from a chosen loopback source address, with blocking sockets (for tests that drive the real
    /// `senim-intake` executable from their own threads).
    enum LoopbackHTTP {
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

        /// One exchange from `source` to 127.0.0.1:`port`; returns the status code (0 when the answer has none).
        /// Throws when the connection cannot be made.
        static func exchange(from source: String = "127.0.0.1", port: Int, request: [UInt8]) throws -> Int {
            try response(from: source, port: port, request: request).status
        }

        /// One exchange; the status code and the whole answer as text.
        static func response(from source: String = "127.0.0.1", port: Int, request: [UInt8]) throws -> (
            status: Int, text: String
        ) {
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
            let text = String(decoding: response, as: UTF8.self)
            return (Int(text.prefix(12).dropFirst(9)) ?? 0, text)
        }

        /// A form post as a browser sends it, closing the connection after the answer.
        static func formPost(_ fields: FormFields, extraHeaders: [String] = []) -> [UInt8] {
            let body = Array(fields.encoded.utf8)
            let headers =
                ["POST /report HTTP/1.1", "Host: localhost"] + extraHeaders + [
                    "Content-Type: application/x-www-form-urlencoded", "Content-Length: \(body.count)",
                    "Connection: close",
                ]
            return Array((headers.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
        }
    }

    /// The real `senim-intake` executable as a child process, limits off, its output in files of `folder`.
    final class IntakeProcess {
        let process = Process()
        /// The port it listens on, known once it is ready: it binds port 0 and its log says which port it got. (A
        /// port found free beforehand can be taken, before the intake binds it, by a client connection of another
        /// test running at the same time.)
        private(set) var port = 0
        private let log: String
        private let logStart: UInt64

        init(folder: TemporaryDirectory, spool: String, environment extra: [String: String] = [:]) throws {
            process.executableURL = Repository.binaries.appendingPathComponent("senim-intake")
            process.arguments = [
                "--port", "0", "--public-key", TestKeys.publicKeyURL.path, "--web", Repository.web.path,
                "--spool", spool, "--per-client-per-minute", "0", "--global-per-minute", "0",
            ]
            process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
            for name in ["stdout.log", "stderr.log"] where !FileManager.default.fileExists(atPath: folder.path(name)) {
                FileManager.default.createFile(atPath: folder.path(name), contents: nil)
            }
            let stdout = try FileHandle(forWritingTo: folder.url.appendingPathComponent("stdout.log"))
            let stderr = try FileHandle(forWritingTo: folder.url.appendingPathComponent("stderr.log"))
            stdout.seekToEndOfFile()
            // swift-log writes to standard error.
            logStart = stderr.seekToEndOfFile()
            log = folder.path("stderr.log")
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
        }

        /// The port in the line "Server started and listening on HOST:PORT" written to `log` after `offset`.
        static func listeningPort(log: String, after offset: UInt64) -> Int? {
            guard let data = FileManager.default.contents(atPath: log), data.count > Int(offset) else { return nil }
            let text = String(decoding: data[Int(offset)...], as: UTF8.self)
            guard let found = text.range(of: "listening on ") else { return nil }
            let address = text[found.upperBound...].prefix { $0 != "\n" }
            guard let colon = address.lastIndex(of: ":") else { return nil }
            return Int(address[address.index(after: colon)...].prefix { $0.isNumber })
        }

        /// Waits until the intake has said its port and `GET /healthz` answers 200.
        func waitUntilReady(seconds: Double = 120) throws {
            let ready = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
            let deadline = Date().addingTimeInterval(seconds)
            // Look before giving up: a test kept waiting by a busy machine must still find an intake that started.
            while true {
                port = Self.listeningPort(log: log, after: logStart) ?? 0
                if port != 0 { break }
                guard Date() < deadline, process.isRunning else {
                    throw LoopbackHTTP.Failure(description: "the intake did not start")
                }
                usleep(20_000)
            }
            while (try? LoopbackHTTP.exchange(port: port, request: ready)) != 200 {
                guard Date() < deadline, process.isRunning else {
                    throw LoopbackHTTP.Failure(description: "the intake did not start")
                }
                usleep(50_000)
            }
        }

        /// `kill -9`: no handler runs, nothing is flushed.
        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }
#endif
