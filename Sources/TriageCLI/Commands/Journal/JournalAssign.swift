import ArgumentParser
import Foundation
import Journal

/// `senim journal assign`: an entry shared with a specialist.
struct JournalAssign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Give a member (a psychologist or social pedagogue) the key to one entry.")

    @Argument(help: "The entry number.")
    var number: String

    @Argument(help: "The member's name.")
    var member: String

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let entry = try session.findEntry(number, now: now)
        try session.assign(entry.number, to: member, now: now)
        print(m("assign.done", ["number": entry.number, "name": member]))
    }
}
