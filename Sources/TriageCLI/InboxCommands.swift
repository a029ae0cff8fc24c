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
        let timeZone = try options.run { try journal.timeZone() }
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
        let items = try options.run { try session.inboxLines(now: now, records: records) }
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

/// `senim show ID`: one report, whole, as the reporter wrote it.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a received report as the reporter wrote it.")

    @Argument(help: "The report's ID (the first 4–8 hex digits are enough).")
    var id: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let session = try options.unlock()
        let now = options.now()
        let item = try options.run { try session.show(report: id, now: now) }
        if json {
            try JSONOutput.print(InboxItemJSON(item, now: now))
        } else {
            print(Presentation(m: options.messages, timeZone: session.timeZone, now: now).reportText(item))
        }
    }
}

/// `senim journal`: the registered entries.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "List and show journal entries; verify the journal and print its head.",
        subcommands: [
            JournalList.self, JournalShow.self, JournalUpdate.self, JournalRestrict.self, JournalAssign.self,
            JournalVerify.self,
            JournalHead.self, JournalBackup.self, JournalRestore.self,
        ])
}

struct JournalList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List journal entries.")

    @Option(help: "Only entries with this status (e.g. registered).")
    var status: String?

    @Option(help: "Only entries with this type of cruelty.")
    var type: String?

    @Option(help: "Only entries received on or after this date (YYYY-MM-DD).")
    var from: String?

    @Option(help: "Only entries received before this date (YYYY-MM-DD).")
    var to: String?

    @Flag(help: "Only urgent entries.")
    var urgent = false

    @Flag(help: "Print the list as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    static func day(_ text: String?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) else {
            throw ValidationError("\(name) must be a date like 2026-11-22")
        }
        return date
    }

    func validate() throws {
        if let type, CrueltyType(rawValue: type) == nil {
            throw ValidationError(
                "unknown --type \(type); one of: \(CrueltyType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        _ = try Self.day(from, "--from")
        _ = try Self.day(to, "--to")
    }

    func run() async throws {
        let session = try options.unlock()
        let now = options.now()
        var filter = EntryFilter()
        filter.status = status
        filter.type = type.flatMap(CrueltyType.init(rawValue:))
        filter.from = try Self.day(from, "--from")
        filter.to = try Self.day(to, "--to")
        filter.urgentOnly = urgent
        let entries = try options.run { try session.entries(filter, now: now) }
        if json {
            try JSONOutput.print(entries.map { EntryJSON($0, detail: nil) })
            return
        }
        let p = Presentation(m: options.messages, timeZone: session.timeZone, now: now)
        // Each entry's most pressing open clock, shown under it.
        var soonest: [String: Deadline] = [:]
        for deadline in try options.run({ try session.deadlines(now: now) }) where soonest[deadline.subject] == nil {
            soonest[deadline.subject] = deadline
        }
        print(options.messages("journal.summary", ["count": "\(entries.count)"]))
        for entry in entries {
            let mark = entry.urgentReasons.isEmpty ? " " : "!"
            let line =
                "\(mark) \(entry.number.padding(toLength: 12, withPad: " ", startingAt: 0)) \(p.localTime(entry.receivedAt))  "
                + "\(p.label("status", entry.status))  \(p.labels("type", entry.crueltyTypes.map(\.rawValue)))"
            print(line.count > 79 ? String(line.prefix(78)) + "…" : line)
            if let next = soonest[entry.number] {
                print("     \(p.m("clock.\(next.kind.rawValue)")) — \(p.dueText(next))")
            }
        }
    }
}

struct JournalShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one journal entry, with its confidential fields.")

    @Argument(help: "The entry number, e.g. 2026/27-001 (or 1 for this academic year's first).")
    var number: String

    @Flag(help: "Print the entry as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let session = try options.unlock()
        let now = options.now()
        let detail = try options.run { try session.showEntry(number, now: now) }
        let assessments = try options.run { try session.assessments(of: detail.record.number, now: now) }
        if json {
            struct Output: Encodable {
                let entry: EntryJSON
                let assessments: [AssessmentJSON]

                func encode(to encoder: any Encoder) throws {
                    // The entry's fields at the top level, as before assessments existed, plus the list.
                    try entry.encode(to: encoder)
                    var container = encoder.container(keyedBy: Key.self)
                    try container.encode(assessments, forKey: .assessments)
                }

                enum Key: String, CodingKey { case assessments }
            }
            let m = options.messages
            try JSONOutput.print(
                Output(
                    entry: EntryJSON(detail.record, detail: detail),
                    assessments: assessments.map { AssessmentJSON($0, entry: detail.record.number, messages: m) }))
        } else {
            let p = Presentation(m: options.messages, timeZone: session.timeZone, now: now)
            print(p.entryText(detail))
            let students = try options.run { try session.students(of: detail.record.number, now: now) }
            if !students.isEmpty || detail.record.staffDismissed > 0 {
                print("")
                print(p.studentsText(students, staffDismissed: detail.record.staffDismissed))
            }
            print("")
            print(p.assessmentsText(assessments, number: detail.record.number))
            let comments = try options.run { try session.comments(of: detail.record.number, now: now) }
            if !comments.isEmpty {
                print("")
                print(p.commentsText(comments))
            }
            print("")
            print(p.signOffsText(try options.run { try session.signOffs(of: detail.record.number, now: now) }))
        }
    }
}
