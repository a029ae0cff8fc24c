import ArgumentParser
import Foundation
import Journal

/// `senim journal head`: the fingerprint to write into the paper register.
struct JournalHead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Print a short fingerprint of the journal's history to write into the paper register.")

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let journal = try options.open()
        guard let head = try journal.head() else {
            throw CLIError(m("error.empty_log"), hint: m("hint.empty_log"))
        }
        print(head.fingerprint)
        print(m("head.explain", ["head": head.fingerprint]))
    }
}
