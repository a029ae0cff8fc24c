import Foundation
import HTTPTypes

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// Raw bytes over a loopback TCP socket, for requests no HTTP client library would send, from a chosen source
    /// address. The one raw-socket client of the tests: blocking calls for tests that drive the intake from threads
    /// of their own, and `exchange(port:_:delivery:timeout:)` for async tests (it blocks a thread of its own, not
    /// the cooperative pool).
    public enum Wire {
        public struct Failure: Error, CustomStringConvertible {
            public let description: String
            public init(_ description: String) { self.description = description }
        }

        /// How the request's bytes are sent.
        public enum Delivery: Sendable {
            case whole
            /// One byte at a time, this many milliseconds apart, until the server closes the connection.
            case dribble(milliseconds: Int)
        }

        /// What came back on one connection.
        public struct Answer: Sendable {
            public let bytes: [UInt8]
            /// The server closed the connection; false if the read timed out with the connection still open.
            public let closed: Bool
            public var response: Response? { Response(parsing: bytes) }
            /// The status code, 0 when the answer has none.
            public var status: Int { response?.status ?? 0 }
            public var text: String { String(decoding: bytes, as: UTF8.self) }
        }

        /// The first response on a connection.
        public struct Response: Sendable {
            public let status: Int
            public let headers: HTTPFields
            /// Every header line as sent, `Name: value`.
            public let headerLines: [String]
            public let body: [UInt8]
            public var text: String { String(decoding: body, as: UTF8.self) }

            public init?(parsing bytes: [UInt8]) {
                let separator = Array("\r\n\r\n".utf8)
                guard
                    let end = (0..<max(0, bytes.count - 3)).first(where: {
                        bytes[$0..<($0 + 4)].elementsEqual(separator)
                    })
                else { return nil }
                let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1."),
                    let status = Int(statusLine.dropFirst(9).prefix(3))
                else { return nil }
                var headers = HTTPFields()
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon]))
                    else { continue }
                    headers.append(
                        HTTPField(
                            name: name, value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
                }
                let rest = bytes[(end + 4)...]
                let length = headers[.contentLength].flatMap { Int($0) } ?? rest.count
                self.status = status
                self.headers = headers
                self.headerLines = Array(lines.dropFirst())
                self.body = Array(rest.prefix(length))
            }
        }

        /// A socket of this process listening on a loopback port the system chose, and that port: a port held busy.
        /// Close the socket to free it.
        public static func listener() throws -> (fd: Int32, port: Int) {
            let fd = try boundSocket()
            guard listen(fd, 1) == 0 else {
                close(fd)
                throw Failure("cannot listen: errno \(errno)")
            }
            return (fd, try port(of: fd))
        }

        /// A free TCP port on the loopback interface, for a program that cannot say which port it bound (a port
        /// found free can be taken by another test before it is used: prefer port 0 where the program allows it).
        public static func freePort() throws -> Int {
            let fd = try boundSocket()
            defer { close(fd) }
            return try port(of: fd)
        }

        /// A TCP socket bound to 127.0.0.1 on a port the system chose.
        private static func boundSocket() throws -> Int32 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure("no socket: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard bound else {
                close(fd)
                throw Failure("no free port")
            }
            return fd
        }

        private static func port(of fd: Int32) throws -> Int {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
            }
            guard named else { throw Failure("getsockname failed: errno \(errno)") }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        /// A TCP socket connected from `source` (any 127.x.y.z address) to 127.0.0.1:`port`.
        public static func connection(port: Int, from source: String = "127.0.0.1") throws -> Int32 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure("no socket: errno \(errno)") }
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
            guard connected else {
                let error = errno
                close(fd)
                throw Failure("cannot connect from \(source) to port \(port): errno \(error)")
            }
            return fd
        }

        /// Sends `bytes`; false once the connection is gone.
        @discardableResult
        public static func send(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
            var sent = bytes.startIndex
            while sent < bytes.endIndex {
                let count = bytes[sent...].withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                // The server may answer and stop reading before the whole request is sent; its answer still counts.
                if count <= 0 { return false }
                sent += count
            }
            return true
        }

        /// One exchange on a connection of its own, blocking the calling thread: sends `request` and reads until the
        /// server closes or `timeout` seconds pass in silence.
        public static func blockingExchange(
            from source: String = "127.0.0.1", port: Int, _ request: [UInt8], delivery: Delivery = .whole,
            timeout: Int = 20
        ) throws -> Answer {
            let fd = try connection(port: port, from: source)
            defer { close(fd) }
            var time = timeval(tv_sec: timeout, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            switch delivery {
            case .whole: send(fd, request[...])
            case .dribble(let milliseconds):
                for index in request.indices {
                    guard send(fd, request[index...index]) else { break }
                    usleep(useconds_t(milliseconds * 1000))
                }
            }
            var response: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    response += buffer[0..<count]
                    continue
                }
                let timedOut = count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
                return Answer(bytes: response, closed: !timedOut)
            }
        }

        /// `blockingExchange` on a thread of its own, off the cooperative pool.
        public static func exchange(
            port: Int, _ request: [UInt8], delivery: Delivery = .whole, timeout: Int = 5
        ) async throws -> Answer {
            try await withCheckedThrowingContinuation { continuation in
                Thread {
                    continuation.resume(
                        with: Result { try blockingExchange(port: port, request, delivery: delivery, timeout: timeout) }
                    )
                }.start()
            }
        }

        /// A request with a CRLF after each line, a blank line, then the body.
        public static func request(_ lines: [String], body: [UInt8] = []) -> [UInt8] {
            Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
        }

        public static func get(_ target: String) -> [UInt8] {
            request(["GET \(target) HTTP/1.1", "Host: localhost", "Connection: close"])
        }

        /// A POST with a correct Content-Length; `contentType` nil sends none.
        public static func post(_ target: String, contentType: String?, body: [UInt8], extra: [String] = [])
            -> [UInt8]
        {
            let type = contentType.map { ["Content-Type: \($0)"] } ?? []
            return request(
                ["POST \(target) HTTP/1.1", "Host: localhost"] + type + extra
                    + ["Content-Length: \(body.count)", "Connection: close"],
                body: body)
        }

        /// A form post as a browser sends it, closing the connection after the answer.
        public static func form(_ target: String, _ body: String, extra: [String] = []) -> [UInt8] {
            post(target, contentType: FormFields.contentType, body: Array(body.utf8), extra: extra)
        }

        public static func json(_ target: String, _ body: String) -> [UInt8] {
            post(target, contentType: "application/json", body: Array(body.utf8))
        }

        /// A chunked POST head; the chunks follow.
        public static func chunkedHead(_ target: String, contentType: String = FormFields.contentType) -> [UInt8] {
            Array(
                ("POST \(target) HTTP/1.1\r\nHost: localhost\r\nContent-Type: \(contentType)\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").utf8)
        }
    }
#endif
