import ArgumentParser
import Foundation
import Journal

struct ReviewComment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment", abstract: "Add a comment to an entry (encrypted with the entry).")

    @Argument(help: "The entry number.")
    var number: String

    @Option(help: "The comment.")
    var text: String

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let entry = try session.findEntry(number, now: now)
        try session.comment(entry.number, text: text, now: now)
        print(m("review.commented", ["number": entry.number]))
    }
}
