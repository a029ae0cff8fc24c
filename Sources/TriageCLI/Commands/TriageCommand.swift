import ArgumentParser
import Foundation
import Journal
import ReportFormat

/// `senim triage`: the lead's working session — unlock once, then the queue.
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Work the queue: unlock once, open reports (urgent first), register them, quit.",
        discussion: """
            Keyboard only; fits a plain 80×24 terminal and pages through any number of reports. Every key also \
            works as the Cyrillic letter in its place; ? shows the keys of each screen. Runs in the terminal's \
            alternate screen: nothing of a report stays on the screen afterwards. Messages in --lang kk, ru or en \
            (default: the locale).
            """
    )

    @OptionGroup var options: JournalOptions

    /// Rows of a screen kept for the header, the page's position, a notice and the prompt: 12 reports a page at
    /// 80×24.
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
        while true {
            let now = options.now()
            let items = try session.inboxLines(now: now, includeUnreadable: false)
            pager = Pager(
                count: items.count, pageSize: Pager.pageSize(rows: Terminal.size.rows, reserved: Self.reservedRows),
                page: pager.page)
            let p = Presentation(m: m, timeZone: session.timeZone, now: now)
            let allClocks = try session.deadlines(now: now)
            let clocks = allClocks.filter { $0.kind == .registration }
            let due = Dictionary(clocks.map { ($0.subject, $0) }, uniquingKeysWith: { first, _ in first })
            // Overdue steps of registered entries (item 42 at high risk among them) stay in sight on every screen.
            let overdueSteps = allClocks.filter { $0.kind != .registration && $0.overdue }
            clear()
            let urgent = items.filter { !$0.record.urgency.isEmpty }.count
            print(Terminal.fit(m("triage.header", ["member": session.member.name])))
            print(Terminal.fit(m("inbox.summary", ["count": "\(items.count)", "urgent": "\(urgent)"])))
            if !overdueSteps.isEmpty {
                let entries = Set(overdueSteps.map(\.subject)).sorted().joined(separator: ", ")
                print(
                    Terminal.fit(
                        "! " + m("triage.overdue_steps", ["count": "\(overdueSteps.count)", "entries": entries])))
            }
            print(Terminal.rule)
            for index in pager.range {
                print(queueLine(items[index], index: index + 1, p: p, due: due[items[index].record.shortID]))
            }
            if items.isEmpty { print(m("triage.empty")) }
            print(Terminal.rule)
            if pager.pages > 1 { print(pager.position(m)) }
            if let notice { print(Terminal.fold(notice)) }
            notice = nil
            // A report's ID as shown (8 characters), or any prefix of 4 or more, opens it too.
            let byID = { (typed: String) in items.firstIndex { $0.record.hexID.hasPrefix(typed) } }
            switch prompter.queue(prompter.queueKeys(pager), pager: &pager, find: byID) {
            case .quit, .endOfInput:
                return
            case .key:
                continue  // this screen offers no key of its own
            case .redraw(let message):
                notice = message
            case .open(let index):
                notice = try openReport(items[index], session: session, prompter: prompter)
            }
        }
    }

    func queueLine(_ item: InboxLine, index: Int, p: Presentation, due: Deadline? = nil) -> String {
        guard item.firstLine != nil else { return "" }
        let record = item.record
        let mark = record.urgency.isEmpty ? " " : "!"
        let left = due.map { p.shortDue($0) }.map { "[\($0)] " } ?? ""
        let number = String(repeating: " ", count: max(0, 2 - "\(index)".count)) + "\(index)"
        let start = "\(number) \(mark) \(record.shortID) \(p.localTime(record.receivedHour)) \(left)"
        let rest = "\(record.language ?? "—") \(p.labels("concern", record.concerns))"
        return Terminal.fit(start + rest)
    }

    /// Shows one report and offers to register it; returns a notice for the queue screen.
    func openReport(_ item: InboxLine, session: JournalSession, prompter: Prompter) throws -> String? {
        let m = options.messages
        let now = options.now()
        let shown = try session.show(report: item.record.hexID, now: now)
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        var text = PagedText(p.reportText(shown))
        let keys = Keys(
            m: m,
            actions: [Keys.Action(key: "g", label: "key.register")] + text.keys + [
                Keys.Action(key: "b", label: "key.back"), Keys.Action(key: "?", label: "key.help"),
            ], paged: text.isPaged)
        var notice: String?
        while true {
            clear()
            print(text.page(m))
            print(Terminal.rule)
            if let notice { print(Terminal.fold(notice)) }
            notice = nil
            switch prompter.screen(keys) {
            case .endOfInput, .key("b"):
                return nil
            case .redraw(let message):
                notice = message
            case .key("n"):
                if !text.next() { notice = m("queue.last_page") }
            case .key("p"):
                if !text.previous() { notice = m("queue.first_page") }
            case .key("g"):
                var registration = Registration(report: shown.report!)
                clear()
                print(m("triage.registering", ["id": shown.record.shortID]))
                RegistrationDialogue(prompter: prompter, p: p).run(&registration, askChannel: false)
                if registration.types.isEmpty {
                    notice = m("error.no_types")
                    continue
                }
                guard prompter.confirm(m("triage.confirm_register")) else { return m("triage.not_registered") }
                let detail = try session.register(report: shown.record.hexID, registration, now: now)
                return m("register.done", ["number": detail.record.number])
            case .key:
                notice = m("prompt.invalid")
            }
        }
    }

    func clear() { Terminal.clear() }
}
