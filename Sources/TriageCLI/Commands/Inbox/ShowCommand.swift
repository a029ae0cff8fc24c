import ArgumentParser
import Foundation
import Journal
import ReportFormat

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
        let item = try session.show(report: id, now: now)
        if json {
            try JSONOutput.print(InboxItemJSON(item, now: now))
        } else {
            print(Presentation(m: options.messages, timeZone: session.timeZone, now: now).reportText(item))
        }
    }
}
