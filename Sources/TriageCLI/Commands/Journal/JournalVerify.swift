import ArgumentParser
import Foundation
import Journal

/// `senim journal verify`: the whole chain, every signature, every row against the event that wrote it.
struct JournalVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that nothing in the journal was changed, deleted, reordered or forged behind Senim's back.",
        discussion: """
            Needs no passphrase: it uses only the members' public keys. Exit status 0 when the journal is intact, \
            1 when anything fails, with each failing event or entry named.
            """)

    @Option(help: "A head fingerprint written down earlier (senim journal head): check nothing before it changed.")
    var head: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if let head, ChainHead.parse(head) == nil {
            throw ValidationError(Messages.forUsage("usage.head_format"))
        }
    }

    func run() async throws {
        let m = options.messages
        let journal = try options.open()
        let result = try journal.verify(head: head)
        if json {
            try JSONOutput.print(VerificationJSON(result))
        } else {
            print(m("verify.checked", ["events": "\(result.events)", "rows": "\(result.rows)"]))
            for failure in result.failures { print("✗ " + Self.describe(failure, messages: m)) }
            if result.isIntact {
                print("✓ " + m("verify.intact"))
                if let head { print(m("verify.head_ok", ["head": head])) }
                if let current = result.head { print(m("verify.current_head", ["head": current.fingerprint])) }
            } else {
                print(m("verify.failed", ["count": "\(result.failures.count)"]))
                print(m("verify.failed_hint"))
            }
        }
        if !result.isIntact { throw ExitCode(1) }
    }

    /// Where a row is, as a person reads it: "Entry 2026/27-004: a comment", "a member (row 2)".
    static func place(_ problem: RowProblem, messages m: Messages) -> String {
        let what = m("verify.table.\(problem.table)")
        return problem.entryNumber.map { m("verify.in_entry", ["what": what, "number": $0]) }
            ?? m("verify.in_journal", ["what": what, "row": "\(problem.rowID)"])
    }

    static func describe(_ failure: VerificationFailure, messages m: Messages) -> String {
        func row(_ key: String, _ problem: RowProblem) -> String {
            m(key, ["place": place(problem, messages: m), "event": problem.event.map { "\($0)" } ?? "?"])
        }
        switch failure {
        case .brokenLink(let event): return m("verify.broken_link", ["event": "\(event)", "previous": "\(event - 1)"])
        case .eventAltered(let event): return m("verify.event_altered", ["event": "\(event)"])
        case .unsigned(let event): return m("verify.unsigned", ["event": "\(event)"])
        case .badSignature(let event, let member):
            return m("verify.bad_signature", ["event": "\(event)", "member": member])
        case .unknownSigner(let event): return m("verify.unknown_signer", ["event": "\(event)"])
        case .rowChanged(let problem): return row("verify.row_changed", problem)
        case .rowUnrecorded(let problem): return row("verify.row_unrecorded", problem)
        case .rowMissing(let problem): return row("verify.row_missing", problem)
        case .headMissing(let fingerprint, let last):
            return m("verify.head_missing", ["head": fingerprint, "last": "\(last)"])
        case .headMismatch(let fingerprint): return m("verify.head_mismatch", ["head": fingerprint])
        }
    }
}
