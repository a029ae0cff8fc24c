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
        if (spool == nil) == (from == nil) { throw ValidationError(Messages.forUsage("usage.spool_or_from")) }
    }

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        // A role that may not collect is told so before anything is read or sent (issue 16: over HTTP it was a
        // network error with a hint about the URL).
        guard session.member.role.triages else {
            throw JournalError.notAllowed(member: session.member.name, action: .pull)
        }
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
            summary = try await session.collect(
                from: LocalSpoolSource(spool: database), now: options.now, progress: progress.update)
        } else {
            guard let url = URL(string: from!), url.scheme == "http" || url.scheme == "https" else {
                throw CLIError(m("error.from_url", ["value": from!]), hint: m("hint.from_url"), status: 64)
            }
            summary = try await session.collect(
                from: HTTPEnvelopeSource(base: url, session: session, now: options.now, m: m),
                now: options.now, progress: progress.update)
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
