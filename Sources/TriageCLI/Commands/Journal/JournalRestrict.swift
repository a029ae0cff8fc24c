import ArgumentParser
import Foundation
import Journal

/// `senim journal restrict`: an entry for named members only.
struct JournalRestrict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restrict",
        abstract: "Restrict an entry to named members: everyone else's key to it is destroyed (the lead or director).",
        discussion: """
            Use it when the alleged aggressor is a member of the safety service, or for any stated reason. The \
            entry gets a new key wrapped only to the members named and to you; what is written from now on is \
            sealed under a key the others never held. What they already read cannot be taken back; to keep an \
            entry from them from the start, register it with --restrict-to.
            """)

    @Argument(help: "The entry number.")
    var number: String

    @Option(
        name: .customLong("to"),
        help: ArgumentHelp("A member who keeps access (repeat for several).", valueName: "name"))
    var members: [String] = []

    @Option(help: "Why the entry is restricted; kept encrypted with the entry.")
    var reason: String

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let entry = try session.findEntry(number, now: now)
        let readers = try session.restrict(entry.number, to: members, reason: reason, now: now)
        print(m("restrict.done", ["number": entry.number, "names": readers.joined(separator: ", ")]))
        print(m("restrict.cannot_undo"))
    }
}
