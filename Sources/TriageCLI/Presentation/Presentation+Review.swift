import ArgumentParser
import Foundation
import Journal

extension Presentation {
    /// Sign-offs, each with whether it still matches the entry.
    func signOffsText(_ signOffs: [SignOffStatus]) -> String {
        var lines = [m("review.signoffs_heading")]
        if signOffs.isEmpty { lines.append("  " + m("review.no_signoffs")) }
        for signOff in signOffs {
            let state =
                !signOff.signatureValid
                ? m("review.signature_invalid")
                : signOff.current ? m("review.signature_current") : m("review.signature_outdated")
            lines.append("  \(localTime(signOff.at)) · \(signOff.by) · \(state)")
        }
        return lines.joined(separator: "\n")
    }

    func commentsText(_ comments: [EntryComment]) -> String {
        var lines = [m("review.comments_heading")]
        if comments.isEmpty { lines.append("  " + m("review.no_comments")) }
        for comment in comments { lines.append("  \(localTime(comment.at)) · \(comment.by): \(comment.text)") }
        return lines.joined(separator: "\n")
    }

    /// Everything about an entry that the director reviews: the entry, its assessments, plan, comments and
    /// sign-offs. Reading it is logged as a view.
    func fullEntryText(_ entry: OpenEntry) throws -> String {
        [
            entryText(try entry.detail(now: now)),
            assessmentsText(try entry.assessments(), number: entry.number),
            planText(try entry.plan(), number: entry.number),
            commentsText(try entry.comments()),
            signOffsText(try entry.signOffs()),
        ].joined(separator: "\n\n")
    }
}
