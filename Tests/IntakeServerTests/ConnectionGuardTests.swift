import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// The real `senim-intake` against connections that only hold it up (issue 13 §3): a body that trickles in is
    /// closed at the request deadline, a full connection table sheds the connection waiting longest, and
    /// `Expect: 100-continue` is answered.
    @Suite struct ConnectionGuardTests {
        static let head = Wire.request([
            "POST /report HTTP/1.1", "Host: localhost", "Content-Type: \(formContentType)", "Content-Length: 1000",
        ])

        /// Reads until the server closes the connection or `seconds` pass; true if it closed.
        static func closes(_ fd: Int32, within seconds: Int) -> Bool {
            var time = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 { continue }
                return count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
            }
        }

        /// Reads what arrives within `seconds`.
        static func read(_ fd: Int32, until marker: String, seconds: Int) -> String {
            var time = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            var got: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: got, as: UTF8.self).contains(marker) {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                got += buffer[0..<count]
            }
            return String(decoding: got, as: UTF8.self)
        }

        @Test func aBodySentAByteEveryFifthOfASecondIsClosedAtTheRequestDeadline() async throws {
            let intake = try await IntakeChild.start(["--request-timeout", "2", "--idle-timeout", "30"])
            defer { intake.stop() }
            let fd = try Wire.connection(port: intake.port)
            defer { close(fd) }
            #expect(Wire.send(fd, Self.head[...]))
            let stop = StopFlag()
            // 1,000 bytes at five a second would take 200 s, each byte well inside the 30 s idle timeout.
            let trickle = Thread {
                for _ in 0..<1000 where !stop.isSet {
                    guard Wire.send(fd, Array("a".utf8)[...]) else { return }
                    usleep(200_000)
                }
            }
            trickle.start()
            defer { stop.set() }
            let closed = await Task.detached { Self.closes(fd, within: 15) }.value
            #expect(closed, "the connection was still open 15 s into a 2 s request deadline")
            #expect(try intake.spool.count() == 0)
            let report = try await Wire.exchange(port: intake.port, Wire.form("/report", Sample.kk.fields.encoded))
            #expect(report.response?.status == 303)
        }

        @Test func pastTheCapTheConnectionWaitingLongestIsShedAndAReportStillGetsIn() async throws {
            let intake = try await IntakeChild.start(["--max-connections", "40", "--request-timeout", "120"])
            defer { intake.stop() }
            var held: [Int32] = []
            defer { for fd in held { close(fd) } }
            for _ in 0..<60 {
                let fd = try Wire.connection(port: intake.port)
                #expect(Wire.send(fd, Self.head[...]))
                held.append(fd)
                // In order, so that "longest waiting" is the order they were opened in.
                _ = try await Wire.exchange(port: intake.port, Wire.get("/healthz"))
            }
            let report = try await Wire.exchange(
                port: intake.port, Wire.form("/report", Sample.ru.fields.encoded), timeout: 5)
            #expect(report.response?.status == 303, "no answer within 5 s")
            #expect(try intake.spool.count() == 1)
            let first = held[0]
            let last = held[held.count - 1]
            #expect(await Task.detached { Self.closes(first, within: 5) }.value, "the oldest was not shed")
            #expect(!(await Task.detached { Self.closes(last, within: 1) }.value), "the newest was shed")
        }

        @Test func expect100ContinueIsAnsweredBeforeTheBodyIsSent() async throws {
            let intake = try await IntakeChild.start([])
            defer { intake.stop() }
            let body = Array(Sample.en.fields.encoded.utf8)
            let fd = try Wire.connection(port: intake.port)
            defer { close(fd) }
            let head = Wire.request([
                "POST /report HTTP/1.1", "Host: localhost", "Content-Type: \(formContentType)",
                "Content-Length: \(body.count)", "Expect: 100-continue", "Connection: close",
            ])
            #expect(Wire.send(fd, head[...]))
            let interim = await Task.detached { Self.read(fd, until: "\r\n\r\n", seconds: 5) }.value
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(interim)")
            #expect(Wire.send(fd, body[...]))
            let final = await Task.detached { Self.read(fd, until: "\r\n\r\n", seconds: 5) }.value
            #expect(final.contains("HTTP/1.1 303 See Other"), "\(final.prefix(200))")
            #expect(try intake.spool.count() == 1)

            // Too large for the limit: no 100, the 413 at once.
            let big = try Wire.connection(port: intake.port)
            defer { close(big) }
            let bigHead = Wire.request([
                "POST /report HTTP/1.1", "Host: localhost", "Content-Type: \(formContentType)",
                "Content-Length: 99999999", "Expect: 100-continue", "Connection: close",
            ])
            #expect(Wire.send(big, bigHead[...]))
            let refused = await Task.detached { Self.read(big, until: "\r\n\r\n", seconds: 5) }.value
            #expect(refused.hasPrefix("HTTP/1.1 413"), "\(refused.prefix(100))")
        }
    }
#endif
