import Foundation
import HTTPTypes
import HummingbirdTesting
import IntakeServer
import Logging
import Synchronization
import TestSupport
import Testing

/// Keeps every log line, message and metadata together, as text.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var logger: Logger {
        var logger = Logger(label: "senim-intake-test") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        recorder.append("\(event.level) \(event.message) \(all) \(event.error.map { "\($0)" } ?? "")")
    }
}

@Suite struct LoggingTests {
    @Test func theIntakeNeverLogsWhatAReporterWroteOrWhereTheyAre() async throws {
        let recorder = LogRecorder()
        // The server's own address is named "localhost", so a numeric loopback address in the log could
        // only be the client's.
        let live = try LiveIntake { $0.host = "localhost" }
        let userAgent = "Mozilla/5.0 (Linux; Android 14; SM-A546B) Tracking/9.9"
        let statuses = try await live.test(logger: recorder.logger) { client in
            let headers: HTTPFields = [.userAgent: userAgent, .acceptLanguage: "ru"]
            var statuses: [HTTPResponse.Status] = []
            statuses.append(try await client.postForm(Sample.ru.fields, headers: headers).status)
            var invalid = Sample.ru.fields
            invalid.append("what", "aliens")
            statuses.append(try await client.postForm(invalid, headers: headers).status)
            statuses.append(try await client.post("/report", body: "text=%FF", contentType: formContentType).status)
            return statuses
        }
        #expect(statuses == [.accepted, .badRequest, .badRequest])
        let lines = recorder.all
        // The control: the recorder does receive the intake's log.
        #expect(lines.contains { $0.contains("senim-intake ready") })
        let log = lines.joined(separator: "\n")
        for word in Sample.ru.privateWords {
            #expect(!log.contains(word), "the log shows \(word)")
        }
        for secret in ["127.0.0.1", "::1", userAgent, "Tracking", "%FF"] {
            #expect(!log.contains(secret), "the log shows \(secret)")
        }
    }
}
