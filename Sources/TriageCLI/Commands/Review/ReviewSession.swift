import ArgumentParser
import Foundation
import Journal

struct ReviewSession: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Work the review queue interactively (the default).")

    @OptionGroup var options: JournalOptions

    static let pageSize = 12

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let prompter = Prompter(m: m)
        var notice: String?
        while true {
            let now = options.now()
            let items = try session.reviewQueue(now: now)
            clear()
            print(m("review.header", ["member": session.member.name]))
            print(
                m("review.summary", ["count": "\(items.count)", "waiting": "\(items.filter(\.waiting).count)"]))
            print(String(repeating: "─", count: 78))
            for (index, item) in items.prefix(Self.pageSize).enumerated() {
                print(ReviewList.line(item, index: index + 1, messages: m))
            }
            if items.count > Self.pageSize { print(m("triage.more", ["count": "\(items.count - Self.pageSize)"])) }
            if items.isEmpty { print(m("review.empty")) }
            print(String(repeating: "─", count: 78))
            if let notice { print(notice) }
            notice = nil
            switch prompter.queueChoice(m("review.prompt"), shown: min(items.count, Self.pageSize)) {
            case .quit:
                return
            case .refresh:
                continue
            case .invalid:
                notice = m("prompt.invalid")
            case .open(let n):
                notice = try openEntry(items[n - 1].record.number, session: session, prompter: prompter)
            }
        }
    }

    /// Shows one entry with everything the director reviews; returns a notice for the queue screen.
    func openEntry(_ number: String, session: JournalSession, prompter: Prompter) throws -> String? {
        let m = options.messages
        var notice: String?
        let entry = try session.open(entry: number, now: options.now())
        while true {
            let now = options.now()
            let p = Presentation(m: m, timeZone: session.timeZone, now: now)
            clear()
            print(try p.fullEntryText(entry))
            print(String(repeating: "─", count: 78))
            if let notice { print(notice) }
            notice = nil
            guard let answer = prompter.line(m("review.entry_prompt"))?.trimmingCharacters(in: .whitespaces) else {
                return nil
            }
            switch answer.lowercased() {
            case "b", "", m("triage.key_back"):
                return nil
            case "s", m("review.key_sign"):
                guard prompter.confirm(m("review.confirm_sign", ["number": number])) else {
                    notice = m("review.not_signed")
                    continue
                }
                try entry.signOff(now: now)
                return m("review.signed", ["number": number])
            case "c", m("review.key_comment"):
                guard let text = prompter.line(m("review.comment_prompt")),
                    !text.trimmingCharacters(in: .whitespaces).isEmpty
                else {
                    notice = m("error.empty_comment")
                    continue
                }
                try entry.comment(text, now: now)
                notice = m("review.commented", ["number": number])
            default:
                notice = m("prompt.invalid")
            }
        }
    }

    func clear() { Prompter.clearScreen() }
}
