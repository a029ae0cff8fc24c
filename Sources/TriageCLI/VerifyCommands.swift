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
            throw ValidationError(
                "--head must be a fingerprint as senim journal head prints it, e.g. 57-7F3A-9C21-04BD-E655-1A2B")
        }
    }

    func run() async throws {
        let m = options.messages
        let journal = try options.open()
        let result = try options.run { try journal.verify(head: head) }
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

/// `senim journal head`: the fingerprint to write into the paper register.
struct JournalHead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Print a short fingerprint of the journal's history to write into the paper register.")

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let journal = try options.open()
        guard let head = try options.run({ try journal.head() }) else {
            throw CLIError(m("error.empty_log"), hint: m("hint.empty_log"))
        }
        print(head.fingerprint)
        print(m("head.explain", ["head": head.fingerprint]))
    }
}

/// `senim audit`: who unlocked, viewed, registered, changed and signed what, and when — never the content.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List who unlocked, viewed, registered, changed or signed what, and when (never the content).")

    @Option(help: "Only this member's actions.")
    var member: String?

    @Option(help: "Only what concerns this entry number.")
    var entry: String?

    @Flag(help: "Print the list as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let events = try options.run { try session.audit(member: member, entry: entry, now: now) }
        if json {
            struct Row: Encodable {
                let event: Int64
                let at: String
                let member: String?
                let role: String?
                let action: String
                let subject: String
            }
            try JSONOutput.print(
                events.map {
                    Row(
                        event: $0.id, at: $0.at, member: $0.memberName, role: $0.role?.rawValue, action: $0.action,
                        subject: $0.subject)
                })
            return
        }
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        print(m("audit.summary", ["count": "\(events.count)"]))
        for event in events {
            let who = event.memberName.map { "\($0) (\(m("role.\(event.role?.rawValue ?? "lead")")))" } ?? "—"
            let action = m.has("audit.action.\(event.action)") ? m("audit.action.\(event.action)") : event.action
            var subject = event.subject.isEmpty ? "" : " · \(event.subject)"
            if event.action == EventLog.Action.failedUnlocks.rawValue,
                let failed = FailedUnlocks(subject: event.subject)
            {
                subject =
                    " · "
                    + m(
                        "audit.failed_unlocks",
                        ["name": failed.memberName, "count": "\(failed.count)", "day": failed.day])
            }
            print("  \(event.id)  \(p.localTime(event.at))  \(who)  \(action)\(subject)")
        }
    }
}
