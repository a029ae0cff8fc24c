import ArgumentParser
import Foundation
import Journal

/// `senim review`: the director's session — entries waiting for review first, read, comment, sign off.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The director's review: entries waiting first; read, comment and sign off.",
        discussion: """
            `senim review` alone is the interactive session (keyboard only, 80×24). A sign-off is an Ed25519 \
            signature by the director's key over the entry's current content; a later change to the entry shows the \
            sign-off as outdated.
            """,
        subcommands: [ReviewSession.self, ReviewList.self, ReviewSign.self, ReviewComment.self],
        defaultSubcommand: ReviewSession.self)
}

struct ReviewSession: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Work the review queue interactively (the default).")

    @OptionGroup var options: JournalOptions

    static let pageSize = 12

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let prompter = Prompter(m: m)
        var notice: String?
        while true {
            let now = options.now()
            let items = try options.run { try session.reviewQueue(now: now) }
            clear()
            print(m("review.header", ["member": session.member.name]))
            print(
                m("review.summary", ["count": "\(items.count)", "waiting": "\(items.filter(\.waiting).count)"]))
            print(String(repeating: "─", count: 78))
            for (index, item) in items.prefix(Self.pageSize).enumerated() {
                print(ReviewList.line(item, index: index + 1, messages: m))
            }
            if items.count > Self.pageSize { print(m("triage.more", ["count": "\(items.count - Self.pageSize)"])) }
            if items.isEmpty { print(m("review.empty")) }
            print(String(repeating: "─", count: 78))
            if let notice { print(notice) }
            notice = nil
            switch prompter.queueChoice(m("review.prompt"), shown: min(items.count, Self.pageSize)) {
            case .quit:
                return
            case .refresh:
                continue
            case .invalid:
                notice = m("prompt.invalid")
            case .open(let n):
                notice = try openEntry(items[n - 1].record.number, session: session, prompter: prompter)
            }
        }
    }

    /// Shows one entry with everything the director reviews; returns a notice for the queue screen.
    func openEntry(_ number: String, session: JournalSession, prompter: Prompter) throws -> String? {
        let m = options.messages
        var notice: String?
        while true {
            let now = options.now()
            let p = Presentation(m: m, timeZone: session.timeZone, now: now)
            clear()
            print(try options.run { try p.fullEntryText(number, session: session) })
            print(String(repeating: "─", count: 78))
            if let notice { print(notice) }
            notice = nil
            guard let answer = prompter.line(m("review.entry_prompt"))?.trimmingCharacters(in: .whitespaces) else {
                return nil
            }
            switch answer.lowercased() {
            case "b", "", m("triage.key_back"):
                return nil
            case "s", m("review.key_sign"):
                guard prompter.confirm(m("review.confirm_sign", ["number": number])) else {
                    notice = m("review.not_signed")
                    continue
                }
                try options.run { _ = try session.signOff(number, now: now) }
                return m("review.signed", ["number": number])
            case "c", m("review.key_comment"):
                guard let text = prompter.line(m("review.comment_prompt")),
                    !text.trimmingCharacters(in: .whitespaces).isEmpty
                else {
                    notice = m("error.empty_comment")
                    continue
                }
                try options.run { try session.comment(number, text: text, now: now) }
                notice = m("review.commented", ["number": number])
            default:
                notice = m("prompt.invalid")
            }
        }
    }

    func clear() { Prompter.clearScreen() }
}

struct ReviewList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the review queue: waiting entries first (high risk, overdue, oldest).")

    @Flag(help: "Print the queue as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let items = try options.run { try session.reviewQueue(now: options.now()) }
        if json {
            struct Row: Encodable {
                let number: String
                let risk: String?
                let overdue: Int
                let waiting: Bool
                let signedBy: String?
                let signedAt: String?
                let signOffCurrent: Bool?
            }
            try JSONOutput.print(
                items.map {
                    Row(
                        number: $0.record.number, risk: $0.record.riskLevel, overdue: $0.overdue.count,
                        waiting: $0.waiting, signedBy: $0.signOff?.by, signedAt: $0.signOff?.at,
                        signOffCurrent: $0.signOff.map { $0.current && $0.signatureValid })
                })
            return
        }
        print(m("review.summary", ["count": "\(items.count)", "waiting": "\(items.filter(\.waiting).count)"]))
        for (index, item) in items.enumerated() { print(Self.line(item, index: index + 1, messages: m)) }
    }

    static func line(_ item: ReviewItem, index: Int, messages m: Messages) -> String {
        let mark = item.waiting ? "•" : "✓"
        let risk = item.record.riskLevel.map { m("level.\($0)") } ?? m("review.not_assessed")
        let state: String
        switch item.signOff {
        case nil: state = m("review.state_unsigned")
        case let signOff? where signOff.current && signOff.signatureValid: state = m("review.state_signed")
        default: state = m("review.state_outdated")
        }
        let overdue = item.overdue.isEmpty ? "" : " [\(m("review.overdue", ["count": "\(item.overdue.count)"]))]"
        let types = item.record.crueltyTypes.map { m("type.\($0.rawValue)") }.joined(separator: ", ")
        let line =
            "\(String(format: "%2d", index)) \(mark) \(item.record.number) · \(risk)\(overdue) · \(state) · \(types)"
        return line.count > 78 ? String(line.prefix(77)) + "…" : line
    }
}

struct ReviewSign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign an entry off as it stands now (the director).")

    @Argument(help: "The entry number, e.g. 2026/27-001 (or 1 for this academic year's first).")
    var number: String

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let entry = try options.run { try session.findEntry(number, now: now) }
        try options.run { _ = try session.signOff(entry.number, now: now) }
        print(m("review.signed", ["number": entry.number]))
    }
}

struct ReviewComment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment", abstract: "Add a comment to an entry (encrypted with the entry).")

    @Argument(help: "The entry number.")
    var number: String

    @Option(help: "The comment.")
    var text: String

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        let entry = try options.run { try session.findEntry(number, now: now) }
        try options.run { try session.comment(entry.number, text: text, now: now) }
        print(m("review.commented", ["number": entry.number]))
    }
}

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
