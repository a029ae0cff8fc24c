import ArgumentParser
import Foundation
import Journal
import Mustache
import SafeHTML

/// `senim plan`: the help and support plan (low or medium risk) or the referral (high), and its printable form.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show, add to or print an entry's help and support plan, or its referral at high risk.",
        discussion: """
            A measure has the columns of the individual prevention plan (Order 398, Annex 1): --kind, \
            --responsible, --volume, --term, --indicator. A referral records --to whom the materials were sent, \
            --sent what, and --on which day (default today). --print writes an HTML document that prints on A4, \
            with blank lines for what is filled in by hand and for the signatures.
            """)

    @Argument(help: "The entry number, e.g. 2026/27-001 (or 1 for this academic year's first).")
    var number: String

    @Flag(help: "Add a measure of help and support.")
    var addMeasure = false

    @Option(help: "The kind of help.") var kind: String?
    @Option(help: "The responsible person.") var responsible: String?
    @Option(help: "Volume or frequency of the help.") var volume: String?
    @Option(help: "Term of the help.") var term: String?
    @Option(help: "Indicator of quality.") var indicator: String?

    @Flag(help: "Record a referral to an external body.")
    var addReferral = false

    @Option(help: "To whom the materials were sent.") var to: String?
    @Option(help: "What was sent.") var sent: String?
    @Option(help: "The day it was sent (YYYY-MM-DD).") var on: String?

    @Flag(name: .customLong("print"), help: "Write the printable document (HTML, A4).")
    var printable = false

    @Option(help: "Where to write the printable document. (default: plan-NUMBER.html)")
    var out: String?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if [addMeasure, addReferral, printable].filter({ $0 }).count > 1 {
            throw ValidationError(
                Messages.forUsage("usage.only_one", ["choices": "--add-measure, --add-referral, --print"]))
        }
        if addMeasure, [kind, responsible, volume, term, indicator].contains(where: { $0 == nil }) {
            throw ValidationError(
                Messages.forUsage(
                    "usage.needs",
                    ["first": "--add-measure", "second": "--kind, --responsible, --volume, --term, --indicator"]))
        }
        if addReferral, to == nil || sent == nil {
            throw ValidationError(
                Messages.forUsage("usage.needs", ["first": "--add-referral", "second": "--to, --sent"]))
        }
        if let on, CalendarDay(on) == nil {
            throw ValidationError(Messages.forUsage("usage.date_format", ["flag": "--on"]))
        }
    }

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let now = options.now()
        // Adding is refused for a role that may not keep plans before the entry is even looked for.
        if addMeasure || addReferral { try session.checkMayPlan() }
        let open = try session.open(entry: number, now: now)
        let entry = open.record
        if addMeasure {
            let measure = PlanMeasure(
                kind: kind!, responsible: responsible!, volume: volume!, term: term!, indicator: indicator!)
            try open.addMeasure(measure, now: now)
        } else if addReferral {
            let day = on ?? CalendarDay(now, in: session.timeZone).description
            try open.addReferral(Referral(recipient: to!, sent: sent!, on: day), now: now)
        }
        let plan = try open.plan()
        if printable {
            let path = out ?? "plan-\(entry.number.replacingOccurrences(of: "/", with: "-")).html"
            let html = try Self.document(entry: entry, plan: plan, messages: m, timeZone: session.timeZone, now: now)
            do {
                // The document holds confidential plan content: readable by its owner only.
                let created = FileManager.default.createFile(
                    atPath: path, contents: Data(html.utf8), attributes: [.posixPermissions: 0o600])
                if !created { throw CocoaError(.fileWriteUnknown) }
            }
            print(m("plan.written", ["path": path]))
            return
        }
        if json {
            struct Output: Encodable {
                let entry: String
                let measures: [PlanMeasure]
                let referrals: [Referral]
            }
            try JSONOutput.print(
                Output(
                    entry: entry.number, measures: plan.measures.map(\.content),
                    referrals: plan.referrals.map(\.content)))
            return
        }
        print(Presentation(m: m, timeZone: session.timeZone, now: now).planText(plan, number: entry.number))
    }

    /// The printable document in the chosen language.
    static func document(
        entry: EntryRecord, plan: EntryPlan, messages m: Messages, timeZone: TimeZone, now: Date
    ) throws -> String {
        let p = Presentation(m: m, timeZone: timeZone, now: now)
        let keys = [
            "approved", "head", "signature", "date", "title", "subtitle", "student_name", "birth_date", "residence",
            "situation", "period", "col_kind", "col_responsible", "col_volume", "col_term", "col_indicator",
            "acknowledged", "parent_signature", "referral_title", "referral_subtitle", "col_recipient", "col_sent",
            "col_on", "compiled_by", "confidential", "level",
        ]
        var strings: [String: String] = [:]
        for key in keys { strings[key] = m("plan.\(key)", ["number": entry.number]) }
        let high = entry.riskLevel == RiskLevel.high.rawValue
        let situation =
            p.labels("type", entry.crueltyTypes.map(\.rawValue))
            + (entry.riskLevel.map { "; \(m("plan.level")): \(m("level.\($0)"))" } ?? "")
        let measures: [[String: Any]] = plan.measures.enumerated().map { index, item in
            [
                "n": index + 1, "kind": item.content.kind, "responsible": item.content.responsible,
                "volume": item.content.volume, "term": item.content.term, "indicator": item.content.indicator,
            ]
        }
        let referrals: [[String: Any]] = plan.referrals.enumerated().map { index, item in
            [
                "n": index + 1, "recipient": item.content.recipient, "sent": item.content.sent,
                "on": p.dayText(item.content.on),
            ]
        }
        let filled = high ? referrals.count : measures.count
        let context: [String: Any] = [
            "lang": m.language.rawValue, "t": strings, "number": entry.number, "situation": situation,
            "support": !high, "referral": high, "measures": measures, "referrals": referrals,
            // Room to add measures by hand: at least three empty rows, more when nothing is recorded yet.
            "blankRows": Array(repeating: [String: Any](), count: max(3, 6 - filled)),
            "level": entry.riskLevel.map { m("level.\($0)") } ?? "—", "generated": p.localTime(JournalClock.stamp(now)),
        ]
        let template = try SafeHTML.template(try templateText(messages: m))
        return template.render(context)
    }

    static func templateText(_ name: String = "plan", messages m: Messages) throws -> String {
        // Foundation on Linux treats a bundle's `Resources` folder as its resource folder.
        let root = Bundle.module.resourceURL!
        let candidates = [
            root.appendingPathComponent("templates/\(name).mustache"),
            root.appendingPathComponent("Resources/templates/\(name).mustache"),
        ]
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw CLIError(m("error.plan_template", ["path": root.path]), hint: m("hint.plan_template"))
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
