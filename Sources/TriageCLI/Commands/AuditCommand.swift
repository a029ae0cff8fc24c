import ArgumentParser
import Foundation
import Journal

/// `senim audit`: who unlocked, viewed, registered, changed and signed what, and when — never the content.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List who unlocked, viewed, registered, changed or signed what, and when (never the content).")

    @Option(help: "Only this member's actions.")
    var member: String?

    @Option(help: "Only what concerns this entry number.")
    var entry: String?

    @Flag(help: "Print the list as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let events = try session.audit(member: member, entry: entry, now: now)
        if json {
            struct Row: Encodable {
                let event: Int64
                let at: String
                let member: String?
                let role: String?
                let action: String
                let subject: String
            }
            try JSONOutput.print(
                events.map {
                    Row(
                        event: $0.id, at: $0.at, member: $0.memberName, role: $0.role?.rawValue, action: $0.action,
                        subject: $0.subject)
                })
            return
        }
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        print(m("audit.summary", ["count": "\(events.count)"]))
        for event in events {
            let who = event.memberName.map { "\($0) (\(m("role.\(event.role?.rawValue ?? "lead")")))" } ?? "—"
            let action = m.has("audit.action.\(event.action)") ? m("audit.action.\(event.action)") : event.action
            var subject = event.subject.isEmpty ? "" : " · \(event.subject)"
            if event.action == EventLog.Action.failedUnlocks.rawValue,
                let failed = FailedUnlocks(subject: event.subject)
            {
                subject =
                    " · "
                    + m(
                        "audit.failed_unlocks",
                        ["name": failed.memberName, "count": "\(failed.count)", "day": failed.day])
            }
            print("  \(event.id)  \(p.localTime(event.at))  \(who)  \(action)\(subject)")
        }
    }
}
