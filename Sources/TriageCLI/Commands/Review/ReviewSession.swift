import ArgumentParser
import Foundation
import Journal

struct ReviewSession: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Work the review queue interactively (the default).")

    @OptionGroup var options: JournalOptions

    /// Rows kept for the header, the page's position, a notice and the prompt (see `TriageCommand`).
    static let reservedRows = 12

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let prompter = Prompter(m: m)
        try await AlternateScreen.run { try work(session: session, prompter: prompter, m: m) }
    }

    func work(session: JournalSession, prompter: Prompter, m: Messages) throws {
        var notice: String?
        var pager = Pager(count: 0, pageSize: Pager.pageSize(rows: Terminal.size.rows, reserved: Self.reservedRows))
        // The order entries were first shown in: numbers stay with their entries for the whole session (a signed
        // entry keeps its number instead of moving down the queue).
        var order: [String: Int] = [:]
        while true {
            let now = options.now()
            let loaded = try session.reviewQueue(now: now)
            for item in loaded where order[item.record.number] == nil { order[item.record.number] = order.count }
            let items = loaded.sorted { order[$0.record.number, default: 0] < order[$1.record.number, default: 0] }
            pager = Pager(
                count: items.count, pageSize: Pager.pageSize(rows: Terminal.size.rows, reserved: Self.reservedRows),
                page: pager.page)
            clear()
            print(Terminal.fit(m("review.header", ["member": session.member.name])))
            print(
                Terminal.fit(
                    m("review.summary", ["count": "\(items.count)", "waiting": "\(items.filter(\.waiting).count)"])))
            print(Terminal.rule)
            for index in pager.range {
                print(Terminal.fit(ReviewList.line(items[index], index: index + 1, messages: m)))
            }
            if items.isEmpty { print(m("review.empty")) }
            print(Terminal.rule)
            if pager.pages > 1 { print(pager.position(m)) }
            if let notice { print(Terminal.fold(notice)) }
            notice = nil
            // An entry's number as shown (2026/27-003) opens it too.
            let byNumber = { (typed: String) in items.firstIndex { $0.record.number == typed } }
            switch prompter.queue(prompter.queueKeys(pager), pager: &pager, find: byNumber) {
            case .quit, .endOfInput:
                return
            case .key:
                continue  // this screen offers no key of its own
            case .redraw(let message):
                notice = message
            case .open(let index):
                notice = try openEntry(items[index].record.number, session: session, prompter: prompter)
            }
        }
    }

    /// Shows one entry with everything the director reviews; returns a notice for the queue screen.
    func openEntry(_ number: String, session: JournalSession, prompter: Prompter) throws -> String? {
        let m = options.messages
        var notice: String?
        let entry = try session.open(entry: number, now: options.now())
        var text = PagedText(
            try Presentation(m: m, timeZone: session.timeZone, now: options.now()).fullEntryText(entry))
        func keys() -> Keys {
            Keys(
                m: m,
                actions: [Keys.Action(key: "s", label: "key.sign"), Keys.Action(key: "c", label: "key.comment")]
                    + text.keys + [Keys.Action(key: "b", label: "key.back"), Keys.Action(key: "?", label: "key.help")],
                paged: text.isPaged)
        }
        while true {
            let now = options.now()
            let p = Presentation(m: m, timeZone: session.timeZone, now: now)
            clear()
            print(text.page(m))
            print(Terminal.rule)
            if let notice { print(Terminal.fold(notice)) }
            notice = nil
            switch prompter.screen(keys()) {
            case .endOfInput, .key("b"):
                return nil
            case .redraw(let message):
                notice = message
            case .key("n"):
                if !text.next() { notice = m("queue.last_page") }
            case .key("p"):
                if !text.previous() { notice = m("queue.first_page") }
            case .key("s"):
                // What is still open is shown before the director signs (item 42's steps at high risk among them).
                let open = ((try? session.deadlines(now: now)) ?? []).filter { $0.subject == number }
                if !open.isEmpty {
                    print(m("review.open_steps"))
                    for deadline in open {
                        print(Terminal.fit("  ! \(m("clock.\(deadline.kind.rawValue)")) — \(p.dueText(deadline))"))
                    }
                }
                guard prompter.confirm(m("review.confirm_sign", ["number": number])) else {
                    notice = m("review.not_signed")
                    continue
                }
                try entry.signOff(now: now)
                return m("review.signed", ["number": number])
            case .key("c"):
                guard let comment = prompter.line(m("review.comment_prompt")),
                    !comment.trimmingCharacters(in: .whitespaces).isEmpty
                else {
                    notice = m("error.empty_comment")
                    continue
                }
                try entry.comment(comment, now: now)
                self.refresh(&text, entry: entry, p: p)
                notice = m("review.commented", ["number": number])
            case .key:
                notice = m("prompt.invalid")
            }
        }
    }

    /// The entry's text again (a comment was added), on its last page, where the new comment is.
    func refresh(_ text: inout PagedText, entry: OpenEntry, p: Presentation) {
        guard let fresh = try? p.fullEntryText(entry) else { return }
        var updated = PagedText(fresh)
        while updated.next() {}
        text = updated
    }

    func clear() { Terminal.clear() }
}
