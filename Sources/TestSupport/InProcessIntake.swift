import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import Logging
import ReportFormat
import Spool

/// The intake's router in this process: the one in-process intake of the tests. The fixture public key, the
/// repository's web folder and a fixed clock unless a test says otherwise.
public struct Intake: Sendable {
    public let services: IntakeServices
    /// Holds an on-disk spool's folder for as long as the intake lives.
    public let folder: TemporaryDirectory?
    /// The spool file, when the spool is on disk.
    public let spoolPath: String?

    /// A logger for tests whose failures are expected: only critical messages get through.
    public static let quietLogger: Logger = {
        var logger = Logger(label: "senim-intake-test")
        logger.logLevel = .critical
        return logger
    }()

    /// `onDisk` puts the spool in a fresh folder, `spool` uses the given one, otherwise it is in memory; `clock`
    /// gives the receipt time. Flood control's minute does not move during a test: a busy machine cannot split
    /// two requests over two minutes and let the second through.
    public static func make(
        onDisk: Bool = false, spool given: SpoolDatabase? = nil, clock: Clock = .fixed(IntakeClock.now),
        _ adjust: (inout IntakeConfiguration) -> Void = { _ in }
    ) async throws -> Intake {
        var configuration = IntakeConfiguration()
        configuration.publicKeyPath = TestKeys.publicKeyURL.path
        configuration.webDirectory = Repository.web.path
        var folder: TemporaryDirectory?
        if onDisk {
            let made = try TemporaryDirectory()
            folder = made
            configuration.spoolPath = made.path("spool.sqlite")
        }
        adjust(&configuration)
        let spool: SpoolDatabase =
            if let given { given } else if onDisk { try SpoolDatabase(path: configuration.spoolPath) } else {
                try SpoolDatabase.inMemory()
            }
        let frozen = ContinuousClock.now
        let services = try await IntakeServices(
            configuration: configuration, spool: spool, now: clock.now, floodClock: { frozen })
        return Intake(services: services, folder: folder, spoolPath: onDisk ? configuration.spoolPath : nil)
    }

    /// The receipt clock of an in-process intake.
    public struct Clock: Sendable {
        public let now: @Sendable () -> Date
        public static func fixed(_ date: Date) -> Clock { Clock(now: { date }) }
        public static let real = Clock(now: { Date() })
        public static func custom(_ now: @escaping @Sendable () -> Date) -> Clock { Clock(now: now) }
    }

    public var spool: SpoolDatabase { services.spool }

    /// Runs `body` against the router in process.
    public func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await Application(router: buildRouter(services), logger: Self.quietLogger).test(.router, body)
    }

    /// Serves the router on a loopback port (0: the system picks) and runs `body` with the port.
    public func live(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let app = Application(
            router: buildRouter(services), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: Self.quietLogger)
        try await app.test(.live) { client in
            guard let port = client.port else { throw Wire.Failure("the live test server has no port") }
            try await body(port)
        }
    }

    /// Makes every later write to the spool fail, as a full or broken disk would.
    public func breakSpool() async throws {
        try await spool.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = ON") }
    }

    /// Every stored envelope, opened with the fixture secret key.
    public func openedReports() throws -> [Report] {
        let keys = try TestKeys.keyPair()
        return try spool.all().map { try keys.open(Envelope(parsing: $0.envelope)) }
    }
}

extension TestClientProtocol {
    public func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }

    /// Posts raw body text; `contentType` nil sends no Content-Type at all.
    public func post(_ uri: String, body: String, contentType: String?, headers: HTTPFields = [:]) async throws
        -> TestResponse
    {
        var headers = headers
        headers[.contentType] = contentType
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Posts the form as a browser does: a `303 See Other` (a stored report) is followed with a GET of its
    /// `Location`, and the page found there is returned. `postFormOnly` returns the post's own answer.
    public func postForm(_ fields: FormFields, to uri: String = "/report", headers: HTTPFields = [:]) async throws
        -> TestResponse
    {
        let response = try await postFormOnly(fields, to: uri, headers: headers)
        guard response.status == .seeOther, let location = response.headers[.location] else { return response }
        var followed = headers
        followed[.contentLength] = nil
        return try await get(location, headers: followed)
    }

    /// Posts the form and returns its own answer, a redirect included.
    public func postFormOnly(_ fields: FormFields, to uri: String = "/report", headers: HTTPFields = [:])
        async throws -> TestResponse
    {
        try await post(uri, body: fields.encoded, contentType: FormFields.contentType, headers: headers)
    }

    public func postJSON(_ json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await post("/api/v1/reports", body: json, contentType: "application/json", headers: headers)
    }
}

extension TestResponse {
    public var text: String { String(buffer: body) }

    /// The body as a JSON object.
    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else { throw Wire.Failure("not a JSON object: \(text.prefix(500))") }
        return object
    }
}
