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

/// The collection API: the triage side fetches sealed envelopes and, once its journal has
/// stored them durably, acknowledges them so the intake deletes them.
struct CollectionRoutes: Sendable {
    let services: IntakeServices
    let nonces = NonceCache()
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
        guard auth.verifies(method: request.method.rawValue, path: path, body: body, key: key),
            nonces.use(auth.nonce, at: auth.timestamp, now: now)
        else { return nil }
        return body
    }

    func collect(_ request: Request) async throws -> Response {
        guard let body = try await authenticated(request, path: "/api/v1/collect") else { return Self.unauthorized }
        guard let query = try? JSONDecoder().decode(CollectionAPI.CollectRequest.self, from: Data(body)),
            query.limit > 0
        else { return APIResponses.error(status: .badRequest, message: "invalid collect request") }
        let after = query.after.flatMap { Data(hex: $0) }
        let limit = min(query.limit, CollectionAPI.maxLimit)
        let rows = try services.spool.batch(after: after, limit: limit + 1)
        let items = rows.prefix(limit).map {
            CollectionAPI.Item(id: $0.id.hexString, day: $0.receivedDay, envelope: $0.envelope.base64EncodedString())
        }
        return Self.json(CollectionAPI.CollectResponse(items: Array(items), more: rows.count > limit))
    }

    func acknowledge(_ request: Request) async throws -> Response {
        guard let body = try await authenticated(request, path: "/api/v1/collect/ack") else {
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
