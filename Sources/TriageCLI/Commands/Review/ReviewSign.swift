import ArgumentParser
import Foundation
import Journal

struct ReviewSign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign an entry off as it stands now (the director).")

    @Argument(help: "The entry number, e.g. 2026/27-001 (or 1 for this academic year's first).")
    var number: String

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let entry = try session.findEntry(number, now: now)
        _ = try session.signOff(entry.number, now: now)
        print(m("review.signed", ["number": entry.number]))
    }
}
