import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ReportFormat
import Synchronization

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
    /// The budget of reports stored: spent only by a report about to be stored.
    let flood: FloodControl
    /// The separate, cheap bound on refused posts, so that refusals never close the door on a report.
    let refusals: FloodControl
    /// How long a store takes lately: what a honeypot catch waits.
    let storeTimer = StoreTimer()
    /// The form's one-time values that came with a stored report.
    let onceTokens = OnceTokens()
    /// The confirmation pages a browser is redirected to, each shown once.
    let confirmations: Confirmations
    /// What signed collection requests must cover: new with every start of the process.
    let challenges = CollectorChallenges()
    let now: @Sendable () -> Date
    /// The last day expired mailboxes were deleted on.
    private let mailboxesSwept = LastDay()

    /// Deletes the expired mailboxes the first time it is called on a day (issue 17): once a day, not per check.
    func expireMailboxesOnce(today: String) {
        let first = mailboxesSwept.day.withLock { swept in
            guard swept != today else { return false }
            swept = today
            return true
        }
        if first { _ = try? spool.expireMailboxes(today: today, keepDays: configuration.mailboxDays) }
    }

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
        self.refusals = FloodControl(
            perClientPerMinute: configuration.refusalsPerClientPerMinute,
            globalPerMinute: configuration.refusalsPerMinute, now: floodClock)
        self.confirmations = Confirmations(now: now)
        self.now = now
    }
}

/// A day remembered across requests.
final class LastDay: Sendable {
    let day = Mutex("")
}

/// Builds the intake's router: every route, with the page middleware outermost.
public func buildRouter(_ services: IntakeServices) -> Router<IntakeRequestContext> {
    // HEAD answers as GET does, without the body (RFC 9110 §9.3.2).
    let router = Router(context: IntakeRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: PageMiddleware(pages: services.pages))
    let routes = IntakeRoutes(services: services)
    router.get("/") { request, _ in routes.form(request) }
    router.post("/report") { request, context in try await routes.submitForm(request, context: context) }
    router.post("/api/v1/reports") { request, context in try await routes.submitJSON(request, context: context) }
    let collection = CollectionRoutes(services: services)
    router.get(RouterPath(CollectionAPI.Route.challenge)) { _, _ in collection.challenge() }
    router.post(RouterPath(CollectionAPI.Route.collect)) { request, _ in try await collection.collect(request) }
    router.post(RouterPath(CollectionAPI.Route.acknowledge)) { request, _ in try await collection.acknowledge(request) }
    router.get("/received/{token}") { request, context in routes.confirmation(request, context: context) }
    router.get("/check") { request, _ in routes.checkForm(request) }
    router.post("/check") { request, context in try await routes.check(request, context: context) }
    router.get("/checked/{token}") { request, context in routes.checked(request, context: context) }
    router.get("/exit") { request, _ in routes.exit(request) }
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
    configuration: IntakeConfiguration, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
    floodClock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
) async throws -> some ApplicationProtocol {
    let services = try await IntakeServices(configuration: configuration, now: now, floodClock: floodClock)
    let router = buildRouter(services)
    let keyID = services.sealer.recipient.keyID
    let collection = services.collectorKey == nil ? "off (no collector key)" : "on"
    let cap = connectionCap(configuration.maxConnections)
    // The handler puts the security headers on the bare 400 that Hummingbird writes itself when its parser rejects
    // a request; the idle timeout closes connections whose request never completes (slow headers, a lying length).
    // The guard gives each request a deadline from head to end of body, caps connections (shedding the one waiting
    // longest) and answers `Expect: 100-continue`.
    let idleTimeout =
        configuration.idleTimeoutSeconds > 0 ? TimeAmount.seconds(Int64(configuration.idleTimeoutSeconds)) : nil
    let requestTimeout =
        configuration.requestTimeoutSeconds > 0 ? TimeAmount.seconds(Int64(configuration.requestTimeoutSeconds)) : nil
    let registry = ConnectionRegistry(maxConnections: cap)
    let maxBodyBytes = configuration.maxBodyBytes
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    ConnectionGuardHandler(
                        registry: registry, requestTimeout: requestTimeout, maxBodyBytes: maxBodyBytes),
                    SecurityHeadersHandler(),
                ], idleTimeout: idleTimeout)),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        // "Ready" only once the port is bound (issue 16: it was said before, and a busy port failed after it).
        onServerRunning: { channel in
            logger.info(
                "senim-intake ready",
                metadata: [
                    "listen": "\(configuration.host):\(channel.localAddress?.port ?? configuration.port)",
                    "key_id": "\(keyID)",
                    "spool": "\(configuration.spoolPath)",
                    "collection": "\(collection)",
                    "max_connections": "\(cap)",
                ])
        },
        logger: logger)
}

/// The connection cap in force: the one asked for, within what the open-file limit leaves after the spool's files
/// and a margin (the limit is raised as far as allowed first).
func connectionCap(_ wanted: Int) -> Int {
    let files = raiseOpenFileLimit()
    let room = max(16, files - 64)
    return wanted == 0 ? room : min(wanted, room)
}
