import ArgumentParser
import Foundation
import Journal
import ReportFormat
import Spool

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `senim pull`: collect sealed reports from the intake into the journal.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Collect sealed reports from the intake (a local spool or over HTTP) into the journal.",
        discussion: """
            Each batch is stored durably in the journal before the intake is told to delete it, so an \
            interrupted pull loses nothing and a repeated one imports nothing twice. Envelopes that do \
            not open are kept and marked unreadable, with the reason.
            """)

    @Option(help: "Path of a local intake spool database.")
    var spool: String?

    @Option(help: "URL of a running intake, e.g. http://127.0.0.1:8080.")
    var from: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if (spool == nil) == (from == nil) { throw ValidationError("give exactly one of --spool PATH or --from URL") }
    }

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let progress = Progress(enabled: !json, messages: m)
        let summary: JournalSession.ImportSummary
        if let spool {
            guard FileManager.default.fileExists(atPath: spool) else {
                throw CLIError(m("error.spool", ["path": spool, "reason": "no such file"]), hint: m("hint.spool"))
            }
            let database: SpoolDatabase
            do {
                database = try SpoolDatabase(path: spool)
            } catch {
                throw CLIError(m("error.spool", ["path": spool, "reason": "\(error)"]), hint: m("hint.spool"))
            }
            summary = try options.run {
                try session.pull(spool: database, now: options.now, progress: progress.update)
            }
        } else {
            guard let url = URL(string: from!), url.scheme == "http" || url.scheme == "https" else {
                throw ValidationError("--from must be an http:// or https:// URL")
            }
            summary = try await HTTPCollector(base: url, session: session, now: options.now).pull(
                progress: progress.update, messages: m)
        }
        progress.finish()
        if json {
            struct Output: Encodable {
                let imported: Int
                let alreadyCollected: Int
                let unreadable: Int
            }
            try JSONOutput.print(
                Output(
                    imported: summary.imported, alreadyCollected: summary.alreadyCollected,
                    unreadable: summary.unreadable))
        } else {
            print(
                m(
                    "pull.done",
                    [
                        "imported": "\(summary.imported)", "unreadable": "\(summary.unreadable)",
                        "already": "\(summary.alreadyCollected)",
                    ]))
            if summary.unreadable > 0 { print(m("pull.unreadable_hint")) }
        }
    }
}

/// A progress line on stderr, for long pulls at a terminal.
final class Progress {
    let enabled: Bool
    let messages: Messages
    var shown = false

    init(enabled: Bool, messages: Messages) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
        self.messages = messages
    }

    func update(_ done: Int, _ total: Int) {
        guard enabled, total >= 1000 else { return }
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(
            Data("\r[\(bar)] \(messages("pull.progress", ["done": "\(done)", "total": "\(total)"]))".utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Collects from a running intake over HTTP with signed requests.
struct HTTPCollector {
    let base: URL
    let session: JournalSession
    let now: () -> Date
    let pageSize = 500

    /// The intake's current challenge, which each signed request covers (so it is good for that intake, until it
    /// restarts, for at most ten minutes).
    func challenge() async throws -> String {
        var request = URLRequest(url: base.appendingPathComponent("api/v1/collect/challenge"))
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
                (status, data) = try await post("/api/v1/collect", body: query, challenge: challenge)
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
            let (ackStatus, _) = try await post("/api/v1/collect/ack", body: ack, challenge: challenge)
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

enum JournalMessagesRun {
    static func run<T>(_ m: Messages, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as JournalError {
            throw JournalMessages.cliError(error, messages: m)
        }
    }
}
