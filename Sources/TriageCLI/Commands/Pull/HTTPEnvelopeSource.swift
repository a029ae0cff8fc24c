import ArgumentParser
import Foundation
import Journal
import ReportFormat
import Spool

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A running intake, collected from over HTTP with signed requests (`senim pull --from URL`).
struct HTTPEnvelopeSource: EnvelopeSource {
    let base: URL
    let session: JournalSession
    let now: () -> Date
    let m: Messages
    let pageSize = 500

    /// The intake's current challenge, which each signed request covers (so it is good for that intake, until it
    /// restarts, for at most ten minutes).
    func challenge() async throws -> String {
        var request = URLRequest(url: base.appendingPathComponent(String(CollectionAPI.Route.challenge.dropFirst())))
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200,
            let answer = try? JSONDecoder().decode(CollectionAPI.ChallengeResponse.self, from: data),
            CollectorAuthorization.isChallenge(answer.challenge)
        else { throw CollectionFailure(status: (response as? HTTPURLResponse)?.statusCode ?? 0) }
        return answer.challenge
    }

    struct CollectionFailure: Error {
        let status: Int
    }

    func post(_ path: String, body: Data, challenge: String) async throws -> (Int, Data) {
        let auth = try session.authorize(
            method: "POST", path: path, body: Array(body), challenge: challenge, now: now())
        var request = URLRequest(url: base.appendingPathComponent(String(path.dropFirst())))
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(auth.headerValue, forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// The challenge of the page being collected, which its acknowledgement is signed with.
    var pageChallenge: String?

    mutating func nextBatch() async throws -> (entries: [SpoolEntry], remaining: Int) {
        let query = try JSONEncoder().encode(CollectionAPI.CollectRequest(after: nil, limit: pageSize))
        let (status, data): (Int, Data)
        do {
            // Asked for each page: a long pull outlives a challenge.
            let challenge = try await self.challenge()
            pageChallenge = challenge
            (status, data) = try await post(CollectionAPI.Route.collect, body: query, challenge: challenge)
        } catch let failure as CollectionFailure {
            if failure.status == 404 { throw CLIError(m("error.collection_401"), hint: m("hint.collection_401")) }
            throw CLIError(m("error.collection", ["reason": "HTTP \(failure.status)"]), hint: m("hint.collection"))
        } catch {
            throw CLIError(m("error.collection", ["reason": error.localizedDescription]), hint: m("hint.collection"))
        }
        if status == 401 { throw CLIError(m("error.collection_401"), hint: m("hint.collection_401")) }
        // Checked as the intake's own answers are fuzzed (Tests/Fuzz collect): a hostile answer can leave items
        // out, never trap or bring in an ID or a day that is not one.
        guard status == 200, let page = CollectionAPI.answer(from: data) else {
            throw CLIError(m("error.collection", ["reason": "HTTP \(status)"]), hint: m("hint.collection"))
        }
        let entries = page.items.map { item in
            SpoolEntry(id: item.id, receivedDay: item.day, keyID: item.keyID, envelope: item.envelope)
        }
        return (entries, page.more ? pageSize : 0)
    }

    /// Only called once the batch is committed in the journal: then the intake may forget it.
    func acknowledge(_ ids: [Data]) async throws {
        let ack = try JSONEncoder().encode(CollectionAPI.AckRequest(ids: ids.map(\.hexString)))
        let status: Int
        do {
            (status, _) = try await post(CollectionAPI.Route.acknowledge, body: ack, challenge: pageChallenge ?? "")
        } catch {
            throw CLIError(m("error.collection", ["reason": error.localizedDescription]), hint: m("hint.collection"))
        }
        guard status == 200 else {
            throw CLIError(m("error.collection", ["reason": "ack HTTP \(status)"]), hint: m("hint.collection"))
        }
    }
}
