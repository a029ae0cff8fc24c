import ArgumentParser
import Foundation
import Journal
import ReportFormat

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
            throw ValidationError(Messages.forUsage("usage.date_format", ["flag": name]))
        }
        return date
    }

    func validate() throws {
        if let type, CrueltyType(rawValue: type) == nil {
            throw ValidationError(
                Messages.forUsage(
                    "usage.unknown_choice",
                    [
                        "flag": "--type", "value": type,
                        "choices": CrueltyType.allCases.map(\.rawValue).joined(separator: ", "),
                    ]))
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
        let entries = try session.entries(filter, now: now)
        if json {
            try JSONOutput.print(entries.map { EntryJSON($0, detail: nil) })
            return
        }
        let p = Presentation(m: options.messages, timeZone: session.timeZone, now: now)
        // Each entry's most pressing open clock, shown under it.
        var soonest: [String: Deadline] = [:]
        for deadline in try session.deadlines(now: now) where soonest[deadline.subject] == nil {
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
