import ArgumentParser
import Foundation
import Journal

extension Presentation {
    /// `due 23.11.2026 · 1 working day left`, `due today`, `overdue by 2 working days`.
    func dueText(_ deadline: Deadline) -> String {
        let day = dayText(deadline.due)
        let left = deadline.workingDaysLeft
        let state =
            left < 0
            ? m("due.overdue", ["n": "\(-left)"])
            : left == 0 ? m("due.today") : m("due.left", ["n": "\(left)"])
        return m("due.by", ["day": day, "state": state])
    }

    /// `23.11.2026`: a calendar day as every date is shown.
    func dayText(_ day: CalendarDay) -> String {
        let (y, mo, d) = day.parts
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(d)).\(two(mo)).\(y)"
    }

    /// A day stored as `YYYY-MM-DD`, shown as `23.11.2026` (as it was when it is not a day).
    func dayText(_ stored: String) -> String { CalendarDay(stored).map(dayText) ?? stored }

    /// `2 wd left`, `today`, `LATE`: for a queue line.
    func shortDue(_ deadline: Deadline) -> String {
        let left = deadline.workingDaysLeft
        return left < 0
            ? m("due.short_overdue") : left == 0 ? m("due.short_today") : m("due.short_left", ["n": "\(left)"])
    }

    /// One line of `senim due`.
    func deadlineLine(_ deadline: Deadline) -> String {
        let mark = deadline.overdue ? "!" : deadline.urgent ? "*" : " "
        let subject =
            deadline.kind == .registration
            ? m("due.report", ["id": deadline.subject]) : deadline.subject
        // A step's code beside its name: what `senim steps NUMBER --done CODE` takes.
        let code = deadline.kind == .registration ? "" : " (\(deadline.kind.rawValue))"
        return "\(mark) \(subject)  \(m("clock.\(deadline.kind.rawValue)"))\(code) — \(dueText(deadline))"
    }
}
