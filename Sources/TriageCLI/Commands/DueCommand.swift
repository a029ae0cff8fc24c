import ArgumentParser
import Foundation
import Journal

/// `senim due`: what is overdue and what falls due soon, across the journal.
struct DueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "List what is overdue and what falls due in the next working days, across the journal.",
        discussion: """
            The clocks: a report is registered within 1 working day of receipt; primary information is \
            gathered within 2 working days of registration; the decision is communicated within 1 working \
            day of the assessment; at a high level the immediate steps of item 42 are due the same day. \
            Working days skip weekends and the holidays in the journal folder's calendar.txt, or Senim's \
            calendar of Kazakhstan's holidays of 2026 and 2027.
            """)

    @Option(help: "Show what falls due within this many working days. (default: 5)")
    var days = 5

    @Flag(help: "Print the list as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if days < 0 { throw ValidationError(Messages.forUsage("usage.not_negative", ["flag": "--days"])) }
    }

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let all = try session.deadlines(now: now)
        let shown = all.filter { $0.workingDaysLeft <= days }
        if json {
            try JSONOutput.print(shown.map(DeadlineJSON.init))
            return
        }
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        let overdue = shown.filter(\.overdue).count
        print(m("due.summary", ["overdue": "\(overdue)", "soon": "\(shown.count - overdue)", "days": "\(days)"]))
        if shown.isEmpty {
            print(m("due.nothing"))
            return
        }
        print("")
        for deadline in shown { print(p.deadlineLine(deadline)) }
        print("")
        print(m("due.next"))
    }
}
