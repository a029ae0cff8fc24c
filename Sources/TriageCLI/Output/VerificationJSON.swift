import ArgumentParser
import Foundation
import Journal

/// `journal verify --json`.
struct VerificationJSON: Encodable {
    struct Failure: Encodable {
        let kind: String
        let event: Int64?
        let table: String?
        let row: Int64?
        let entry: String?
    }

    let intact: Bool
    let events: Int
    let rows: Int
    let head: String?
    let failures: [Failure]

    init(_ result: Verification) {
        intact = result.isIntact
        events = result.events
        rows = result.rows
        head = result.head?.fingerprint
        failures = result.failures.map { failure in
            func row(_ kind: String, _ p: RowProblem) -> Failure {
                Failure(kind: kind, event: p.event, table: p.table, row: p.rowID, entry: p.entryNumber)
            }
            switch failure {
            case .brokenLink(let e): return Failure(kind: "broken-link", event: e, table: nil, row: nil, entry: nil)
            case .eventAltered(let e): return Failure(kind: "event-altered", event: e, table: nil, row: nil, entry: nil)
            case .unsigned(let e): return Failure(kind: "unsigned", event: e, table: nil, row: nil, entry: nil)
            case .badSignature(let e, _):
                return Failure(kind: "bad-signature", event: e, table: nil, row: nil, entry: nil)
            case .unknownSigner(let e):
                return Failure(kind: "unknown-signer", event: e, table: nil, row: nil, entry: nil)
            case .rowChanged(let p): return row("row-changed", p)
            case .rowUnrecorded(let p): return row("row-unrecorded", p)
            case .rowMissing(let p): return row("row-missing", p)
            case .headMissing: return Failure(kind: "head-missing", event: nil, table: nil, row: nil, entry: nil)
            case .headMismatch: return Failure(kind: "head-mismatch", event: nil, table: nil, row: nil, entry: nil)
            }
        }
    }
}
