import Foundation
import HTTPTypes
import IntakeServer
import ReportFormat
import Spool
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    @Suite(.serialized) struct HostileRequestCatalogueTests {
        @Test func theCatalogueIsLargeAndItsNamesAreUnique() {
            #expect(HostileRequest.catalogue.count >= 40)
            #expect(Set(HostileRequest.catalogue.map(\.name)).count == HostileRequest.catalogue.count)
        }

        @Test(arguments: HostileRequest.catalogue)
        func aHostileRequestGetsItsDocumentedAnswerStoresNothingAndTheIntakeKeepsServing(
            request: HostileRequest
        ) async throws {
            let intake = try await CatalogueIntake.shared.value
            let before = try intake.spool.count()
            let answer = try await Wire.exchange(port: intake.port, request.bytes, delivery: request.delivery)
            #expect(try intake.spool.count() == before, "nothing stored")

            let raw = String(decoding: answer.bytes, as: UTF8.self)
            for text in request.forbidden {
                #expect(!raw.localizedCaseInsensitiveContains(text), "\(text) in the answer")
            }
            switch request.answer {
            case .closedWithoutResponse:
                #expect(answer.bytes.isEmpty)
                #expect(answer.closed, "the connection was still open after the read timeout")
            case .parserRefusal:
                let response = try #require(answer.response)
                #expect(response.status == 400)
                #expect(response.body.isEmpty)
                #expect(response.headers[.connection] == "close")
                #expect(securityHeaderProblems(response.headers) == [])
                #expect(answer.closed)
            case .confirmation:
                let response = try #require(answer.response)
                #expect(response.status == 303)
                #expect(response.headers[.location]?.hasPrefix("/received/") == true)
                #expect(response.body.isEmpty)
                #expect(securityHeaderProblems(response.headers) == [])
            case .pageUnlessReset where answer.bytes.isEmpty:
                #expect(answer.closed, "neither an answer nor a closed connection")
            case .page(let status, let language, let key), .pageUnlessReset(let status, let language, let key):
                let response = try #require(answer.response, "no response: \(answer.bytes.count) bytes")
                #expect(response.status == status)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(htmlLanguage(of: response.text) == language.rawValue)
                let expected = try WebText.html(key, language)
                    .replacingOccurrences(of: "{max}", with: "\(FormatConstants.Limits.text)")
                #expect(response.text.contains(expected), "the page lacks \(key)")
                #expect(securityHeaderProblems(response.headers) == [])
            case .json(let status, let language, let key):
                let response = try #require(answer.response, "no response: \(answer.bytes.count) bytes")
                #expect(response.status == status)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
                #expect(body["status"] as? String == "error")
                #expect(body["message"] as? String == (try WebText.raw(key, language)))
                #expect(securityHeaderProblems(response.headers) == [])
            }
            if let response = answer.response {
                #expect(response.headerLines.allSatisfy { !$0.lowercased().hasPrefix("set-cookie") })
            }

            // The intake still serves: a health check and a real report.
            let health = try await Wire.exchange(port: intake.port, Wire.get("/healthz")).response
            #expect(health?.status == 200)
            #expect(health?.text == "ok\n")
            let report = try await Wire.exchange(
                port: intake.port, Wire.form("/report", HostileRequest.validForm.encoded)
            ).response
            #expect(report?.status == 303)
            #expect(try intake.spool.count() == before + 1)
        }
    }

    /// Tells threads to stop.
    final class StopFlag: Sendable {
        private let flag = Mutex(false)
        var isSet: Bool { flag.withLock { $0 } }
        func set() { flag.withLock { $0 = true } }
    }

    @Suite struct IdleConnectionTests {
        /// Measured on 2026-12-02, debug build, 2 cores: VmRSS 43.5 MB before, 71.8 MB with 2,000 idle connections
        /// and 4 slow ones open (about 14 KB a connection); the report was answered at once. The bound is generous.
        @Test func twoThousandIdleConnectionsAndSlowHeadersDoNotStopAReportOrGrowTheIntake() async throws {
            let wanted = 2_000
            var limit = rlimit()
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            if limit.rlim_cur < rlim_t(wanted + 500) {
                // The intake inherits the raised limit: it is started after this.
                limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted + 500))
                setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            }
            let connections = min(wanted, Int(limit.rlim_cur) - 500)
            #expect(connections == wanted, "the file limit allows only \(connections) connections")

            let intake = try await IntakeChild.start(["--per-client-per-minute", "0", "--global-per-minute", "0"])
            defer { intake.stop() }
            for _ in 0..<20 { _ = try await Wire.exchange(port: intake.port, Wire.get("/?lang=ru")) }
            let before = try intake.residentKilobytes()

            // In batches below the listen backlog (256), each followed by a request that waits its turn in the
            // accept queue: a connection dropped from a full queue would wait a second for its SYN to be sent again.
            var idle: [Int32] = []
            defer { for fd in idle { close(fd) } }
            while idle.count < connections {
                for _ in 0..<min(200, connections - idle.count) { idle.append(try Wire.connection(port: intake.port)) }
                _ = try await Wire.exchange(port: intake.port, Wire.get("/healthz"))
            }
            let stop = StopFlag()
            let slow = Wire.request([
                "POST /report HTTP/1.1", "Host: localhost", "X-Slow: " + String(repeating: "s", count: 1000),
            ])
            let slowloris = (0..<4).map { _ in
                let fd = try? Wire.connection(port: intake.port)
                let thread = Thread {
                    guard let fd else { return }
                    defer { close(fd) }
                    for byte in slow where !stop.isSet {
                        guard Wire.send(fd, [byte][...]) else { return }
                        usleep(100_000)
                    }
                }
                thread.start()
                return fd
            }
            #expect(slowloris.allSatisfy { $0 != nil })
            try await Task.sleep(for: .seconds(1))
            let spooled = try intake.spool.count()
            let report = try await Wire.exchange(
                port: intake.port, Wire.form("/report", Sample.kk.fields.encoded), timeout: 5)
            #expect(report.response?.status == 303, "no answer within 5 s")
            #expect(try intake.spool.count() == spooled + 1)
            let during = try intake.residentKilobytes()
            stop.set()
            #expect(during < 200 * 1024, "VmRSS \(before) kB before, \(during) kB with \(connections) idle connections")
        }
    }
#endif
