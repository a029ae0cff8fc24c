import ArgumentParser
import Foundation
import Journal
import ReportFormat

struct JournalShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one journal entry, with its confidential fields.")

    @Argument(help: "The entry number, e.g. 2026/27-001 (or 1 for this academic year's first).")
    var number: String

    @Flag(help: "Print the entry as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let session = try options.unlock()
        let now = options.now()
        let detail = try session.showEntry(number, now: now)
        let assessments = try session.assessments(of: detail.record.number, now: now)
        if json {
            struct Output: Encodable {
                let entry: EntryJSON
                let assessments: [AssessmentJSON]

                func encode(to encoder: any Encoder) throws {
                    // The entry's fields at the top level, as before assessments existed, plus the list.
                    try entry.encode(to: encoder)
                    var container = encoder.container(keyedBy: Key.self)
                    try container.encode(assessments, forKey: .assessments)
                }

                enum Key: String, CodingKey { case assessments }
            }
            let m = options.messages
            try JSONOutput.print(
                Output(
                    entry: EntryJSON(detail.record, detail: detail),
                    assessments: assessments.map { AssessmentJSON($0, entry: detail.record.number, messages: m) }))
        } else {
            let p = Presentation(m: options.messages, timeZone: session.timeZone, now: now)
            print(p.entryText(detail))
            let students = try session.students(of: detail.record.number, now: now)
            if !students.isEmpty || detail.record.staffDismissed > 0 {
                print("")
                print(p.studentsText(students, staffDismissed: detail.record.staffDismissed))
            }
            print("")
            print(p.assessmentsText(assessments, number: detail.record.number))
            let comments = try session.comments(of: detail.record.number, now: now)
            if !comments.isEmpty {
                print("")
                print(p.commentsText(comments))
            }
            print("")
            print(p.signOffsText(try session.signOffs(of: detail.record.number, now: now)))
        }
    }
}
