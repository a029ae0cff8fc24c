import ArgumentParser
import Foundation
import Journal
import Mustache
import SafeHTML

extension Presentation {
    /// The plan's measures and referrals as the terminal shows them.
    func planText(_ plan: EntryPlan, number: String) -> String {
        var lines = [m("plan.heading", ["number": number])]
        if plan.measures.isEmpty && plan.referrals.isEmpty { lines.append("  " + m("plan.empty")) }
        for (index, item) in plan.measures.enumerated() {
            let measure = item.content
            lines.append(
                "  \(index + 1). \(measure.kind) · \(measure.responsible) · \(measure.volume) · \(measure.term)")
            lines.append("     \(m("plan.col_indicator")): \(measure.indicator)")
        }
        for item in plan.referrals {
            let referral = item.content
            lines.append("  → \(referral.recipient) (\(dayText(referral.on))): \(referral.sent)")
        }
        return lines.joined(separator: "\n")
    }
}
