import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import Logging
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real application, as `senim-intake` builds it, on a real socket with a spool file. The file is in memory
/// (`/dev/shm`): the full test run hammers the disk with fsyncs (the crash and anonymity tests), and a commit
/// waiting behind them outlasted the test client's 20-second read timeout; durability is the crash tests' concern.
struct LiveIntake {
    let folder: TemporaryDirectory
    let configuration: IntakeConfiguration

    init(_ adjust: (inout IntakeConfiguration) -> Void = { _ in }) throws {
        folder = try TemporaryDirectory.inMemory()
        var configuration = IntakeConfiguration()
        configuration.publicKeyPath = TestKeys.publicKeyURL.path
        configuration.webDirectory = Repository.web.path
        configuration.spoolPath = folder.path("spool.sqlite")
        configuration.port = 0
        adjust(&configuration)
        self.configuration = configuration
    }

    func test<Value>(
        logger: Logger = quietLogger, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        // Flood control's minute does not move during a test (as in `Intake.make`): a busy machine cannot spread
        // three requests over two minutes and let the third through.
        let frozen = ContinuousClock.now
        let app = try await buildApplication(
            configuration: configuration, logger: logger, now: { fixedNow }, floodClock: { frozen })
        return try await app.test(.live, body)
    }

    func spool() throws -> SpoolDatabase { try SpoolDatabase(path: configuration.spoolPath) }
}

/// Plain HTTP/1.1 over a socket, for requests the test client cannot make (a chunked body).
enum RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends `request` to localhost:`port` and reads until the server closes the connection.
    ///
    /// The blocking socket calls run on a thread of their own: on a cooperative thread they could
    /// starve the very server tasks they wait for.
    static func exchange(port: Int, request: [UInt8]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try blockingExchange(port: port, request: request) }) }.start()
        }
    }

    private static func blockingExchange(port: Int, request: [UInt8]) throws -> String {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", String(port), &hints, &list) == 0, let first = list else {
            throw Failure(description: "cannot resolve localhost")
        }
        defer { freeaddrinfo(list) }
        var socketFD: Int32 = -1
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0, connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                socketFD = fd
                break
            }
            if fd >= 0 { close(fd) }
            candidate = info.pointee.ai_next
        }
        guard socketFD >= 0 else { throw Failure(description: "cannot connect to port \(port)") }
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { buffer in
                #if canImport(Glibc)
                    send(socketFD, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
                #else
                    send(socketFD, buffer.baseAddress, buffer.count, 0)
                #endif
            }
            // The server may answer and stop reading before the whole body is sent; its answer still counts.
            if count <= 0 { break }
            sent += count
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    /// A POST with a chunked body and no Content-Length.
    static func chunkedPost(path: String, contentType: String, body: [UInt8], chunkSize: Int = 1000) -> [UInt8] {
        var out = Array(
            ("POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: \(contentType)\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").utf8)
        var start = 0
        while start < body.count {
            let end = min(start + chunkSize, body.count)
            out += Array("\(String(end - start, radix: 16))\r\n".utf8) + body[start..<end] + Array("\r\n".utf8)
            start = end
        }
        out += Array("0\r\n\r\n".utf8)
        return out
    }
}

@Suite struct LiveSocketTests {
    @Test func theFormAndARussianReportWorkOverARealSocket() async throws {
        let live = try LiveIntake()
        let (form, posted) = try await live.test { client in
            let form = try await client.get("/", headers: [.acceptLanguage: "ru-RU,ru;q=0.9"])
            let posted = try await client.postForm(Sample.ru.fields)
            return (form, posted)
        }
        #expect(form.status == .accepted)
        #expect(htmlLanguage(of: form.text) == "ru")
        #expect(securityHeaderProblems(form.headers) == [])
        #expect(posted.status == .accepted)
        #expect(htmlLanguage(of: posted.text) == "ru")
        #expect(securityHeaderProblems(posted.headers) == [])

        let entries = try live.spool().all()
        #expect(entries.map(\.receivedDay) == [fixedDay])
        let opened = try entries.map { try TestKeys.keyPair().open(Envelope(parsing: $0.envelope)) }
        #expect(opened.map(\.withoutReplyAddress) == [Sample.ru.expected])
    }

    @Test func eachClientIsCappedOnItsOwnOverARealSocket() async throws {
        let live = try LiveIntake {
            $0.perClientPerMinute = 2
            $0.globalPerMinute = 0
        }
        let statuses = try await live.test { client in
            var statuses: [HTTPResponse.Status] = []
            // The posts' own answers: the cap is on what is stored, so the redirects need not be followed.
            for _ in 0..<3 { statuses.append(try await client.postFormOnly(Sample.kk.fields).status) }
            return statuses
        }
        #expect(statuses == [.seeOther, .seeOther, .tooManyRequests])
        #expect(try live.spool().count() == 2)
    }

    @Test func aChunkedBodyOverTheLimitIsRefusedWithoutAContentLength() async throws {
        let live = try LiveIntake { $0.maxBodyBytes = 2048 }
        var fields = Sample.ru.fields
        fields.set("text", String(repeating: "ж", count: 1000))
        let body = Array(fields.encoded.utf8)
        #expect(body.count > 2048)
        let answer = try await live.test { client in
            let port = try #require(client.port)
            return try await RawHTTP.exchange(
                port: port,
                request: RawHTTP.chunkedPost(path: "/report?lang=ru", contentType: formContentType, body: body))
        }
        #expect(answer.hasPrefix("HTTP/1.1 413"))
        #expect(answer.lowercased().contains("content-security-policy: default-src 'none'"))
        #expect(answer.contains("<html lang=\"ru\">"))
        #expect(try live.spool().count() == 0)
    }

    @Test func aChunkedBodyWithinTheLimitIsAccepted() async throws {
        // The control for the test above: chunking alone is not what gets a body refused.
        let live = try LiveIntake { $0.maxBodyBytes = 2048 }
        let body = Array(Sample.en.fields.encoded.utf8)
        #expect(body.count < 2048)
        let answer = try await live.test { client in
            let port = try #require(client.port)
            return try await RawHTTP.exchange(
                port: port,
                request: RawHTTP.chunkedPost(path: "/report", contentType: formContentType, body: body, chunkSize: 50))
        }
        #expect(answer.hasPrefix("HTTP/1.1 303"))
        #expect(!answer.lowercased().contains("\r\nserver:"))
        #expect(!answer.lowercased().contains("\r\nset-cookie:"))
        #expect(try live.spool().count() == 1)
    }
}
