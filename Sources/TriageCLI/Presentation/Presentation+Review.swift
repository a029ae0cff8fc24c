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
    func fullEntryText(_ number: String, session: JournalSession) throws -> String {
        let detail = try session.showEntry(number, now: now)
        let number = detail.record.number
        return [
            entryText(detail),
            assessmentsText(try session.assessments(of: number, now: now), number: number),
            planText(try session.plan(of: number, now: now), number: number),
            commentsText(try session.comments(of: number, now: now)),
            signOffsText(try session.signOffs(of: number, now: now)),
        ].joined(separator: "\n\n")
    }
}
