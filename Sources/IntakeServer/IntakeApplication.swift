import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ReportFormat

/// What the intake's routes work with.
public struct IntakeServices: Sendable {
    public let configuration: IntakeConfiguration
    public let pages: Pages
    let assets: StaticAssets
    public let sealer: ReportSealer
    /// The journal's collector key; without it, collection always answers 401.
    public let collectorKey: CollectorPublicKey?
    public let spool: SpoolDatabase
    let writer: SpoolWriter
    let flood: FloodControl
    let now: @Sendable () -> Date

    /// Loads the web folder and the public key, and opens the spool.
    ///
    /// - Parameter floodClock: the clock flood control counts minutes by (tests hold it still, so that a slow,
    ///   busy machine cannot carry two requests into different minutes).
    public init(
        configuration: IntakeConfiguration, spool: SpoolDatabase? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        floodClock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) async throws {
        self.configuration = configuration
        self.pages = try await Pages(webDirectory: configuration.webDirectory, schoolName: configuration.schoolName)
        self.assets = try StaticAssets(
            directory: URL(fileURLWithPath: configuration.webDirectory).appendingPathComponent("static"))
        let key = try SealingPublicKey(contentsOf: URL(fileURLWithPath: configuration.publicKeyPath))
        self.sealer = ReportSealer(recipient: key)
        let collectorURL = URL(fileURLWithPath: configuration.collectorKeyPath)
        if FileManager.default.fileExists(atPath: collectorURL.path) {
            self.collectorKey = try CollectorPublicKey(contentsOf: collectorURL)
        } else {
            self.collectorKey = nil
        }
        self.spool =
            try spool
            ?? SpoolDatabase(
                path: configuration.spoolPath, checkpointBytes: configuration.checkpointBytes,
                restartLogBytes: configuration.restartLogBytes)
        self.writer = SpoolWriter(database: self.spool)
        self.flood = FloodControl(
            perClientPerMinute: configuration.perClientPerMinute, globalPerMinute: configuration.globalPerMinute,
            now: floodClock)
        self.now = now
    }
}

/// Builds the intake's router: every route, with the page middleware outermost.
public func buildRouter(_ services: IntakeServices) -> Router<IntakeRequestContext> {
    let router = Router(context: IntakeRequestContext.self)
    router.add(middleware: PageMiddleware(pages: services.pages))
    let routes = IntakeRoutes(services: services)
    router.get("/") { request, _ in routes.form(request) }
    router.post("/report") { request, context in try await routes.submitForm(request, context: context) }
    router.post("/api/v1/reports") { request, context in try await routes.submitJSON(request, context: context) }
    let collection = CollectionRoutes(services: services)
    router.post("/api/v1/collect") { request, _ in try await collection.collect(request) }
    router.post("/api/v1/collect/ack") { request, _ in try await collection.acknowledge(request) }
    router.get("/exit") { request, _ in
        HTMLResponse.page(services.pages.exit(routes.language(of: request)))
    }
    router.get("/healthz") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
    router.get("/static/{name}") { _, context in
        guard let name = context.parameters.get("name"), let response = services.assets.response(for: name) else {
            throw HTTPError(.notFound)
        }
        return response
    }
    return router
}

/// Builds the whole intake application from its configuration.
public func buildApplication(
    configuration: IntakeConfiguration, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
) async throws -> some ApplicationProtocol {
    let services = try await IntakeServices(configuration: configuration, now: now)
    let router = buildRouter(services)
    logger.info(
        "senim-intake ready",
        metadata: [
            "listen": "\(configuration.host):\(configuration.port)",
            "key_id": "\(services.sealer.recipient.keyID)",
            "spool": "\(configuration.spoolPath)",
            "collection": "\(services.collectorKey == nil ? "off (no collector key)" : "on")",
        ])
    // The handler puts the security headers on the bare 400 that Hummingbird writes itself when its parser rejects
    // a request; the idle timeout closes connections whose request never completes (slow headers, a lying length).
    let idleTimeout =
        configuration.idleTimeoutSeconds > 0 ? TimeAmount.seconds(Int64(configuration.idleTimeoutSeconds)) : nil
    return Application(
        router: router,
        server: .http1(
            configuration: .init(additionalChannelHandlers: [SecurityHeadersHandler()], idleTimeout: idleTimeout)),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        logger: logger)
}
