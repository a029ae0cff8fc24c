import ArgumentParser
import Foundation
import Journal
import ReportFormat

/// `senim inbox`: received reports not yet registered, urgent first.
struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "List received reports not yet registered: urgent first, then oldest.")

    @Flag(help: "Print the list as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let journal = try options.open()
        let now = options.now()
        let timeZone = try journal.timeZone()
        let messages = options.messages
        // What needs no key is read and laid out while Argon2id derives it; nothing is shown unless the unlock
        // succeeds.
        let reading = Task.detached {
            let due = try journal.deadlines(now: now, timeZone: timeZone).filter { $0.kind == .registration }
            let byReport = Dictionary(due.map { ($0.subject, $0) }, uniquingKeysWith: { first, _ in first })
            let records = try journal.inboxRecords(includeUnreadable: true)
            let p = Presentation(m: messages, timeZone: timeZone, now: now)
            var heads: [Data: String] = [:]
            for record in records where record.state == .pending {
                heads[record.id] = p.inboxHead(record, due: byReport[record.shortID])
            }
            return (records, heads)
        }
        let session: JournalSession
        do {
            session = try options.unlock(journal)
        } catch {
            reading.cancel()
            throw error
        }
        let records: [CollectedReport]
        let heads: [Data: String]
        do {
            (records, heads) = try await reading.value
        } catch let error as JournalError {
            throw JournalMessages.cliError(error, messages: options.messages)
        }
        let items = try session.inboxLines(now: now, records: records)
        if json {
            try JSONOutput.print(items.map { InboxItemJSON($0, now: now) })
            return
        }
        let p = Presentation(m: options.messages, timeZone: session.timeZone, now: now)
        let pending = items.filter { $0.firstLine != nil }
        let urgent = pending.filter { !$0.record.urgency.isEmpty }.count
        print(options.messages("inbox.summary", ["count": "\(pending.count)", "urgent": "\(urgent)"]))
        if items.isEmpty { return }
        print("")
        for item in items { print(p.inboxBlock(item, head: heads[item.record.id])) }
        print(options.messages("inbox.next"))
    }
}
