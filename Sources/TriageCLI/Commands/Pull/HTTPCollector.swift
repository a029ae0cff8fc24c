import ArgumentParser
import Foundation
import Journal
import ReportFormat
import Spool

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Collects from a running intake over HTTP with signed requests.
struct HTTPCollector {
    let base: URL
    let session: JournalSession
    let now: () -> Date
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

    func pull(progress: (Int, Int) -> Void, messages m: Messages) async throws -> JournalSession.ImportSummary {
        var total = JournalSession.ImportSummary()
        var done = 0
        while true {
            let query = try JSONEncoder().encode(CollectionAPI.CollectRequest(after: nil, limit: pageSize))
            let (status, data): (Int, Data)
            let challenge: String
            do {
                // Asked for each page: a long pull outlives a challenge.
                challenge = try await self.challenge()
                (status, data) = try await post(CollectionAPI.Route.collect, body: query, challenge: challenge)
            } catch let failure as CollectionFailure {
                if failure.status == 404 { throw CLIError(m("error.collection_401"), hint: m("hint.collection_401")) }
                throw CLIError(m("error.collection", ["reason": "HTTP \(failure.status)"]), hint: m("hint.collection"))
            } catch {
                throw CLIError(
                    m("error.collection", ["reason": error.localizedDescription]), hint: m("hint.collection"))
            }
            if status == 401 { throw CLIError(m("error.collection_401"), hint: m("hint.collection_401")) }
            // Checked as the intake's own answers are fuzzed (Tests/Fuzz collect): a hostile answer can leave items
            // out, never trap or bring in an ID or a day that is not one.
            guard status == 200, let page = CollectionAPI.answer(from: data) else {
                throw CLIError(m("error.collection", ["reason": "HTTP \(status)"]), hint: m("hint.collection"))
            }
            if page.items.isEmpty { break }
            let entries = page.items.map { item in
                SpoolEntry(id: item.id, receivedDay: item.day, keyID: item.keyID, envelope: item.envelope)
            }
            total = total + (try JournalMessagesRun.run(m) { try session.importEnvelopes(entries, now: now()) })
            // Only now, with the batch committed in the journal, may the intake forget it.
            let ack = try JSONEncoder().encode(CollectionAPI.AckRequest(ids: entries.map(\.id.hexString)))
            let (ackStatus, _) = try await post(CollectionAPI.Route.acknowledge, body: ack, challenge: challenge)
            guard ackStatus == 200 else {
                throw CLIError(m("error.collection", ["reason": "ack HTTP \(ackStatus)"]), hint: m("hint.collection"))
            }
            done += entries.count
            progress(done, done + (page.more ? pageSize : 0))
            if !page.more { break }
        }
        return total
    }
}
