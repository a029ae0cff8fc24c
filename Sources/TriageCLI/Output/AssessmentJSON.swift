import ArgumentParser
import Foundation
import Journal

/// An assessment as `--json` prints it.
struct AssessmentJSON: Encodable {
    struct Basis: Encodable {
        let kind: String
        let group: String?
        let item: Int?
        let fact: String?
        let level: String
        let text: String
    }

    let entry: String
    let sequence: Int
    let proposed: String
    let basis: [Basis]
    let protective: [Int]
    let decided: String
    let overridden: Bool
    let reason: String?
    let outcome: String
    let assessedBy: String
    let assessedAt: String

    init(_ saved: Assessment, entry: String, messages m: Messages) {
        let p = Presentation(m: m, timeZone: .gmt, now: Date())
        self.entry = entry
        sequence = saved.sequence
        proposed = saved.proposal.level.rawValue
        basis = saved.proposal.basis.map {
            Basis(
                kind: $0.kind.rawValue, group: $0.group?.rawValue, item: $0.item, fact: $0.fact,
                level: $0.level.rawValue, text: p.basisText($0))
        }
        protective = saved.proposal.protective
        decided = saved.decidedLevel.rawValue
        overridden = saved.overridden
        reason = saved.reason
        outcome = saved.outcome.rawValue
        assessedBy = saved.assessedBy
        assessedAt = saved.assessedAt
    }
}
