import Foundation
import HTTPTypes
import Hummingbird
import ReportFormat
import Spool
import Synchronization

/// Remembers the nonces of accepted collection requests for the clock-skew window, in memory
/// only, so a captured request cannot be replayed.
final class NonceCache: Sendable {
    private let seen = Mutex([String: Int64]())
    static let capacity = 100_000

    /// Records a nonce; false if it was already used (or the cache is full).
    func use(_ nonce: String, at timestamp: Int64, now: Int64) -> Bool {
        seen.withLock { seen in
            if seen.count >= Self.capacity / 2 {
                let horizon = now - Int64(FormatConstants.collectorMaxClockSkew) * 2
                seen = seen.filter { $0.value >= horizon }
            }
            guard seen.count < Self.capacity, seen[nonce] == nil else { return false }
            seen[nonce] = timestamp
            return true
        }
    }
}

/// The challenges a signed collection request must cover: a keyed hash of the current five-minute window, keyed
/// with a secret this process draws at start and never writes, so a request signed for one intake, or before a
/// restart, is refused by another or after it (issue 13 §4). Stateless: nothing to fill or evict.
final class CollectorChallenges: Sendable {
    private let secret = Sodium.randomBytes(32)
    static let window = Int64(FormatConstants.collectorMaxClockSkew)

    /// The challenge of the window `now` falls in.
    func current(now: Int64) -> String { challenge(window: now / Self.window) }

    /// Whether `challenge` is the current window's or the previous one's (a pull may cross a boundary).
    func isValid(_ challenge: String, now: Int64) -> Bool {
        let window = now / Self.window
        let given = Array(challenge.lowercased().utf8)
        return [window, window - 1].contains { Sodium.equal(Array(self.challenge(window: $0).utf8), given) }
    }

    private func challenge(window: Int64) -> String {
        Data(Sodium.genericHash(Array(String(window).utf8), key: secret, length: 16)).hexString
    }
}

/// The collection API: the triage side fetches sealed envelopes and, once its journal has
/// stored them durably, acknowledges them so the intake deletes them.
struct CollectionRoutes: Sendable {
    let services: IntakeServices
    let nonces = NonceCache()
    var challenges: CollectorChallenges { services.challenges }
    static let maxBodyBytes = 256 * 1024

    /// 401 with nothing else: no body, no hint of why.
    static var unauthorized: Response { Response(status: .unauthorized) }

    /// Reads the body and checks the signature; nil means "answer 401".
    func authenticated(_ request: Request, path: String) async throws -> [UInt8]? {
        guard let key = services.collectorKey,
            let header = request.headers[.authorization],
            let auth = CollectorAuthorization(headerValue: header)
        else { return nil }
        let now = Int64(services.now().timeIntervalSince1970)
        guard abs(now - auth.timestamp) <= Int64(FormatConstants.collectorMaxClockSkew) else { return nil }
        let body = Array((try? await request.body.collect(upTo: Self.maxBodyBytes))?.readableBytesView ?? [])
        guard challenges.isValid(auth.challenge, now: now),
            auth.verifies(method: request.method.rawValue, path: path, body: body, key: key),
            nonces.use(auth.nonce, at: auth.timestamp, now: now)
        else { return nil }
        return body
    }

    /// The challenge to sign with: anyone may ask (it opens nothing); 404 when collection is off.
    func challenge() -> Response {
        guard services.collectorKey != nil else { return Response(status: .notFound) }
        let now = Int64(services.now().timeIntervalSince1970)
        return Self.json(CollectionAPI.ChallengeResponse(challenge: challenges.current(now: now)))
    }

    func collect(_ request: Request) async throws -> Response {
        guard let body = try await authenticated(request, path: CollectionAPI.Route.collect) else {
            return Self.unauthorized
        }
        guard let query = try? JSONDecoder().decode(CollectionAPI.CollectRequest.self, from: Data(body)),
            query.limit > 0
        else { return APIResponses.error(status: .badRequest, message: "invalid collect request") }
        let after = query.after.flatMap { Data(hex: $0) }
        let limit = min(query.limit, CollectionAPI.maxLimit)
        let page = try services.spool.page(after: after, limit: limit, maxBytes: CollectionAPI.maxPageBytes)
        let items = page.entries.map {
            CollectionAPI.Item(id: $0.id.hexString, day: $0.receivedDay, envelope: $0.envelope.base64EncodedString())
        }
        return Self.json(CollectionAPI.CollectResponse(items: items, more: page.more))
    }

    func acknowledge(_ request: Request) async throws -> Response {
        guard let body = try await authenticated(request, path: CollectionAPI.Route.acknowledge) else {
            return Self.unauthorized
        }
        guard let ack = try? JSONDecoder().decode(CollectionAPI.AckRequest.self, from: Data(body)),
            ack.ids.count <= CollectionAPI.maxLimit
        else { return APIResponses.error(status: .badRequest, message: "invalid acknowledgement") }
        let ids = ack.ids.compactMap { Data(hex: $0) }.filter { $0.count == 16 }
        let deleted = try services.spool.delete(ids: ids)
        return Self.json(CollectionAPI.AckResponse(deleted: deleted))
    }

    static func json(_ value: some Encodable) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
