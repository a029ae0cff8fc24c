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
        let entry = try options.run { try session.findEntry(number, now: now) }
        let readers = try options.run { try session.restrict(entry.number, to: members, reason: reason, now: now) }
        print(m("restrict.done", ["number": entry.number, "names": readers.joined(separator: ", ")]))
        print(m("restrict.cannot_undo"))
    }
}

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
        let entry = try options.run { try session.findEntry(number, now: now) }
        try options.run { try session.assign(entry.number, to: member, now: now) }
        print(m("assign.done", ["number": entry.number, "name": member]))
    }
}

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
        if !yes {
            let prompter = Prompter(m: m)
            guard prompter.confirm(m("members.confirm_remove", ["name": name])) else {
                print(m("members.not_removed"))
                return
            }
        }
        let removal = try options.run { try session.removeMember(name, now: options.now()) }
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
