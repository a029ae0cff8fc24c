import ArgumentParser
import Foundation
import Journal
import ReportFormat

/// `senim triage`: the lead's working session — unlock once, then the queue.
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Work the queue: unlock once, open reports (urgent first), register them, quit.",
        discussion: "Keyboard only; fits a plain 80×24 terminal. Messages in --lang kk, ru or en (default: the locale)."
    )

    @OptionGroup var options: JournalOptions

    /// Reports shown on one screen.
    static let pageSize = 12

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let prompter = Prompter(m: m)
        var notice: String?
        while true {
            let now = options.now()
            let items = try session.inboxLines(now: now, includeUnreadable: false)
            let p = Presentation(m: m, timeZone: session.timeZone, now: now)
            let allClocks = try session.deadlines(now: now)
            let clocks = allClocks.filter { $0.kind == .registration }
            let due = Dictionary(clocks.map { ($0.subject, $0) }, uniquingKeysWith: { first, _ in first })
            // Overdue steps of registered entries (item 42 at high risk among them) stay in sight on every screen.
            let overdueSteps = allClocks.filter { $0.kind != .registration && $0.overdue }
            clear()
            let urgent = items.filter { !$0.record.urgency.isEmpty }.count
            print(m("triage.header", ["member": session.member.name]))
            print(m("inbox.summary", ["count": "\(items.count)", "urgent": "\(urgent)"]))
            if !overdueSteps.isEmpty {
                let entries = Set(overdueSteps.map(\.subject)).sorted().joined(separator: ", ")
                print("! " + m("triage.overdue_steps", ["count": "\(overdueSteps.count)", "entries": entries]))
            }
            print(String(repeating: "─", count: 78))
            for (index, item) in items.prefix(Self.pageSize).enumerated() {
                print(queueLine(item, index: index + 1, p: p, due: due[item.record.shortID]))
            }
            if items.count > Self.pageSize {
                print(m("triage.more", ["count": "\(items.count - Self.pageSize)"]))
            }
            if items.isEmpty { print(m("triage.empty")) }
            print(String(repeating: "─", count: 78))
            if let notice { print(notice) }
            notice = nil
            switch prompter.queueChoice(m("triage.prompt"), shown: min(items.count, Self.pageSize)) {
            case .quit:
                return
            case .refresh:
                continue
            case .invalid:
                notice = m("prompt.invalid")
            case .open(let n):
                if let done = try openReport(items[n - 1], session: session, prompter: prompter) {
                    notice = done
                }
            }
        }
    }

    func queueLine(_ item: InboxLine, index: Int, p: Presentation, due: Deadline? = nil) -> String {
        guard item.firstLine != nil else { return "" }
        let record = item.record
        let mark = record.urgency.isEmpty ? " " : "!"
        let left = due.map { p.shortDue($0) }.map { "[\($0)] " } ?? ""
        let number = index < 10 ? " \(index)" : "\(index)"
        let start = "\(number) \(mark) \(record.shortID) \(p.localTime(record.receivedHour)) \(left)"
        let rest = "\(record.language ?? "—") \(p.labels("concern", record.concerns))"
        let line = start + rest
        return line.count > 78 ? String(line.prefix(77)) + "…" : line
    }

    /// Shows one report and offers to register it; returns a notice for the queue screen.
    func openReport(_ item: InboxLine, session: JournalSession, prompter: Prompter) throws -> String? {
        let m = options.messages
        let now = options.now()
        let shown = try session.show(report: item.record.hexID, now: now)
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        clear()
        print(p.reportText(shown))
        print(String(repeating: "─", count: 78))
        while true {
            guard let answer = prompter.line(m("triage.report_prompt"))?.trimmingCharacters(in: .whitespaces) else {
                return nil
            }
            switch answer.lowercased() {
            case "b", "", m("triage.key_back"):
                return nil
            case "g", m("triage.key_register"):
                var registration = Registration(report: shown.report!)
                clear()
                print(m("triage.registering", ["id": shown.record.shortID]))
                RegistrationDialogue(prompter: prompter, p: p).run(&registration, askChannel: false)
                if registration.types.isEmpty {
                    print(m("error.no_types"))
                    continue
                }
                guard prompter.confirm(m("triage.confirm_register")) else { return m("triage.not_registered") }
                let detail = try session.register(report: shown.record.hexID, registration, now: now)
                return m("register.done", ["number": detail.record.number])
            default:
                print(m("prompt.invalid"))
            }
        }
    }

    func clear() { Prompter.clearScreen() }
}
