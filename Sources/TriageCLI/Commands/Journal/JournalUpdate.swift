import ArgumentParser
import Foundation
import Journal

/// `senim journal update`: the facts item 36 counts, recorded as the case goes on.
struct JournalUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract:
            "Record a student's part in an entry and what happened to them, or staff dismissed (counted by stats).",
        discussion: """
            With --student CODE (a pseudonymous code you assign, e.g. S-017; stored encrypted), the same child counts \
            once in the statistics however many entries name them. Without it, a new anonymous student is recorded. \
            Facts only add up; every update is an event in the journal's log. With no flags it asks at the terminal.
            """)

    @Argument(help: "The entry number.")
    var number: String

    @Option(help: "victim, aggressor or witness.")
    var role: StudentRole?

    @Option(help: "The student's pseudonymous code (never a name).")
    var student: String?

    @Option(
        help: ArgumentHelp(
            "A fact (repeat): \(StudentFact.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "fact"))
    var fact: [StudentFact] = []

    @Option(help: "Staff dismissed for cruelty to students in this case.")
    var staffDismissed: Int?

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if role == nil, student != nil || !fact.isEmpty {
            throw ValidationError(Messages.forUsage("usage.student_fact_role"))
        }
        if let staffDismissed, staffDismissed < 0 {
            throw ValidationError(Messages.forUsage("usage.not_negative", ["flag": "--staff-dismissed"]))
        }
    }

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let entry = try session.findEntry(number, now: now)
        var role = role
        var student = student
        var facts = Set(fact)
        if role == nil && staffDismissed == nil {
            // Asked at the terminal.
            let prompter = Prompter(m: m)
            let p = Presentation(m: m, timeZone: session.timeZone, now: now)
            guard
                let chosen = prompter.choose(
                    m("update.ask_role", ["number": entry.number]), StudentRole.self, prefix: "student_role",
                    default: nil, presentation: p)
            else { throw ExitCode(1) }
            role = chosen
            let code = prompter.line(m("update.ask_code"))?.trimmingCharacters(in: .whitespaces) ?? ""
            student = code.isEmpty ? nil : code
            for candidate in StudentFact.allCases where prompter.confirm(m("fact.\(candidate.rawValue)") + "?") {
                facts.insert(candidate)
            }
        }
        if let role {
            try session.recordStudent(entry.number, role: role, code: student, facts: facts, now: now)
        }
        if let staffDismissed {
            try session.setStaffDismissed(entry.number, count: staffDismissed, now: now)
        }
        let students = try session.students(of: entry.number, now: now)
        print(m("update.done", ["number": entry.number]))
        for record in students {
            let facts = StudentFact.allCases.filter(record.facts.contains).map { m("fact.\($0.rawValue)") }
            let who = record.code ?? m("update.anonymous")
            print(
                "  \(who) · \(m("student_role.\(record.role.rawValue)"))\(facts.isEmpty ? "" : " · " + facts.joined(separator: ", "))"
            )
        }
    }
}
