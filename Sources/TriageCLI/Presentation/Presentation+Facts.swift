import ArgumentParser
import Foundation
import Journal

extension Presentation {
    /// One line per student an entry refers to: code (or none), part, facts.
    func studentLines(_ students: [StudentRecord]) -> [String] {
        students.map { record in
            let facts = StudentFact.allCases.filter(record.facts.contains).map { m("fact.\($0.rawValue)") }
            let who = record.code ?? m("update.anonymous")
            return "  \(who) · \(m("student_role.\(record.role.rawValue)"))"
                + (facts.isEmpty ? "" : " · " + facts.joined(separator: ", "))
        }
    }

    /// The students section of `journal show`.
    func studentsText(_ students: [StudentRecord], staffDismissed: Int) -> String {
        var lines = [m("show.students")] + studentLines(students)
        if staffDismissed > 0 { lines.append("  " + m("show.staff_dismissed", ["count": "\(staffDismissed)"])) }
        return lines.joined(separator: "\n")
    }
}
