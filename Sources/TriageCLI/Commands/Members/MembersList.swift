import ArgumentParser
import Foundation
import Journal
import SafetyKeys

struct MembersList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the members, their roles and when each last unlocked the journal.")

    @Flag(help: "Print the list as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let members = try session.journal.members()
        if json {
            struct Row: Encodable {
                let name: String
                let role: String
                let createdAt: String
                let lastUnlockAt: String?
            }
            try JSONOutput.print(
                members.map {
                    Row(name: $0.name, role: $0.role.rawValue, createdAt: $0.createdAt, lastUnlockAt: $0.lastUnlockAt)
                })
            return
        }
        let p = Presentation(m: m, timeZone: session.timeZone, now: options.now())
        print(m("members.summary", ["count": "\(members.count)"]))
        for member in members {
            let last = member.lastUnlockAt.map { p.localTime($0) } ?? m("members.never")
            print("  \(member.name) · \(m("role.\(member.role.rawValue)")) · \(m("members.last_unlock", ["at": last]))")
        }
    }
}
