import ArgumentParser
import Foundation
import Journal
import SafetyKeys

/// `senim members`: who may open the journal, and in which role.
struct MembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "Add, list and remove the journal's members.",
        subcommands: [MembersAdd.self, MembersList.self, MembersRemove.self])
}
