import ArgumentParser
import Foundation
import Journal

/// `senim members remove`.
struct MembersRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a member: their keys are destroyed and the keys they held are replaced (the lead).",
        discussion: """
            Every entry the member could read gets a new key; if they triaged, the sealing key, the collector key \
            and the inbox key are rotated too: copy the new safety-service.pub and collector.pub from the journal \
            folder to the intake's Keys/ and restart it. Reports sealed to the old key still open. What the member \
            already read cannot be taken back.
            """)

    @Argument(help: "The member's name.")
    var name: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        // Told before being asked to confirm what they could not do anyway.
        guard session.member.role == .lead else {
            throw JournalError.notAllowed(member: session.member.name, action: .removeMembers)
        }
        if !yes {
            let prompter = Prompter(m: m)
            guard prompter.confirm(m("members.confirm_remove", ["name": name])) else {
                print(m("members.not_removed"))
                return
            }
        }
        let removal = try session.removeMember(name, now: options.now())
        print(m("members.removed", ["name": removal.name, "count": "\(removal.entriesRekeyed)"]))
        if !removal.entriesNotRekeyed.isEmpty {
            print(m("members.not_rekeyed", ["entries": removal.entriesNotRekeyed.joined(separator: ", ")]))
        }
        if let key = removal.newServicePublicKey {
            print(m("members.rotated", ["key": key.keyID.description, "folder": session.journal.directory.path]))
        }
        print(m("members.cannot_undo", ["name": removal.name]))
    }
}
