import ArgumentParser
import Foundation
import Journal

/// A deadline as `--json` prints it.
struct DeadlineJSON: Encodable {
    let kind: String
    let subject: String
    let due: String
    let workingDaysLeft: Int
    let overdue: Bool
    let urgent: Bool

    init(_ deadline: Deadline) {
        kind = deadline.kind.rawValue
        subject = deadline.subject
        due = deadline.due.description
        workingDaysLeft = deadline.workingDaysLeft
        overdue = deadline.overdue
        urgent = deadline.urgent
    }
}
