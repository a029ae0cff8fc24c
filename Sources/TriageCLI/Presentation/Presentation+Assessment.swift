import ArgumentParser
import Foundation
import Journal

extension Presentation {
    /// One reason of a proposal, in words.
    func basisText(_ basis: RiskBasis) -> String {
        switch basis.kind {
        case .answer:
            guard let group = basis.group, let item = basis.item else { return "" }
            return m(
                "basis.answer",
                [
                    "group": m("protocol.group.\(group.rawValue)"), "item": "\(item)",
                    "question": m("protocol.\(group.rawValue).\(item)"),
                ])
        case .count:
            guard let group = basis.group, let count = basis.item else { return "" }
            return m("basis.count", ["group": m("protocol.group.\(group.rawValue)"), "count": "\(count)"])
        case .entry:
            let fact = basis.fact ?? ""
            if fact == "in-danger" { return m("basis.in-danger") }
            let parts = fact.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return fact }
            switch parts[0] {
            case "type": return m("basis.type", ["type": label("type", parts[1])])
            case "urgent": return m("basis.urgent", ["reason": label("urgency", parts[1])])
            case "aggressor": return m("basis.aggressor", ["kind": label("aggressor", parts[1])])
            default: return fact
            }
        }
    }

    /// The proposed level and what produced it.
    func proposalText(_ proposal: RiskProposal) -> String {
        var lines = [m("assess.proposal", ["level": m("level.\(proposal.level.rawValue)")])]
        if proposal.basis.isEmpty {
            lines.append("  " + m("assess.no_basis"))
        } else {
            lines.append("  " + m("assess.because"))
            lines += proposal.basis.map { "  - " + basisText($0) }
        }
        if !proposal.protective.isEmpty {
            let items = proposal.protective.map { "\($0)" }.joined(separator: ", ")
            lines.append("  " + m("assess.protective_present", ["items": items]))
        }
        return lines.joined(separator: "\n")
    }

    /// An entry's assessments, oldest first, for `journal show`.
    func assessmentsText(_ assessments: [Assessment], number: String) -> String {
        var lines = [m("assess.history") + ":"]
        if assessments.isEmpty { lines.append("  " + m("assess.none_yet", ["number": number])) }
        for assessment in assessments {
            lines.append(
                "  "
                    + m(
                        "assess.history_line",
                        [
                            "sequence": "\(assessment.sequence)", "at": localTime(assessment.assessedAt),
                            "member": assessment.assessedBy,
                            "proposed": m("level.\(assessment.proposal.level.rawValue)"),
                            "decided": m("level.\(assessment.decidedLevel.rawValue)"),
                        ]))
            lines += assessment.proposal.basis.map { "      - " + basisText($0) }
            if let reason = assessment.reason { lines.append("    " + m("assess.reason", ["reason": reason])) }
            lines.append("    " + m("assess.outcome", ["outcome": m("outcome.\(assessment.outcome.rawValue)")]))
            for (id, given) in assessment.answers.answered {
                let note = given.note.map { " — \($0)" } ?? ""
                let group = m("protocol.group.\(id.group.rawValue)")
                lines.append("      \(group) \(id.item): \(m("answer.\(given.answer.rawValue)"))\(note)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
