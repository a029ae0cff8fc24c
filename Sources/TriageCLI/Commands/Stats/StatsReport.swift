import ArgumentParser
import Foundation
import Journal
import Mustache
import SafeHTML

struct StatsReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The 12 indicators of item 36 for an academic year, quarter or half (the default).",
        discussion: """
            Counts come from the journal's queryable columns only: any member may run it, the auditor included, and \
            no entry is decrypted. A student recorded with a code in several entries counts once. Quarters: the \
            journal folder's quarters.txt ("09-01 11-01 01-01 04-01" by default).
            """)

    @Option(help: "The academic year, e.g. 2026/27 (default: the current one).")
    var year: String?

    @Option(help: "One quarter, 1 to 4.")
    var quarter: Int?

    @Option(help: "One half-year, 1 or 2.")
    var half: Int?

    @Option(help: "table, csv, json or html (default table).")
    var format: StatsFormat = .table

    @Option(help: "Hide counts under K (default: 0 for the table, 3 for csv, json, html and --export).")
    var suppressBelow: Int?

    @Option(help: "The school's name for the report and the export.")
    var school: String?

    @Option(help: "Write the output to this file instead of printing it.")
    var out: String?

    @Option(help: "Write a signed export of the suppressed counts for the organisation to this file.")
    var export: String?

    @OptionGroup var options: JournalOptions

    func validate() throws {
        if let year, StatsPeriod.parseYear(year) == nil {
            throw ValidationError(Messages.forUsage("usage.year_format"))
        }
        if quarter != nil && half != nil {
            throw ValidationError(Messages.forUsage("usage.not_both", ["first": "--quarter", "second": "--half"]))
        }
        if let quarter, !(1...4).contains(quarter) {
            throw ValidationError(Messages.forUsage("usage.one_of", ["flag": "--quarter", "choices": "1, 2, 3, 4"]))
        }
        if let half, !(1...2).contains(half) {
            throw ValidationError(Messages.forUsage("usage.one_of", ["flag": "--half", "choices": "1, 2"]))
        }
        if let suppressBelow, suppressBelow < 0 {
            throw ValidationError(Messages.forUsage("usage.not_negative", ["flag": "--suppress-below"]))
        }
    }

    func run() async throws {
        let m = options.messages
        let journal = try options.open()
        let now = options.now()
        let timeZone = try journal.timeZone()
        let academicYear = year.flatMap(StatsPeriod.parseYear) ?? AcademicYear(containing: now, timeZone: timeZone)
        let span: StatsPeriod.Span = quarter.map { .quarter($0) } ?? half.map { .half($0) } ?? .year
        let period = StatsPeriod(
            year: academicYear, span: span, quarters: try journal.quarterStarts())
        // Counting reads no key: it runs while Argon2id derives the member's key, and nothing is shown unless the
        // unlock succeeds.
        let counting = export == nil ? Task.detached { try journal.statistics(period) } : nil
        let session: JournalSession
        do {
            session = try options.unlock(journal)
        } catch {
            counting?.cancel()
            throw error
        }
        let schoolName = school ?? m("stats.unnamed_school")
        let p = Presentation(m: m, timeZone: session.timeZone, now: now)
        if let export {
            let signed = try session.exportStatistics(
                period, school: schoolName, threshold: suppressBelow ?? 3, now: now)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try Self.write(try encoder.encode(signed), to: export, messages: m)
            print(m("stats.exported", ["path": export, "fingerprint": signed.signerFingerprint]))
            return
        }
        let threshold = suppressBelow ?? (format == .table ? 0 : 3)
        let statistics: Statistics
        do {
            statistics = try await counting!.value
        } catch let error as JournalError {
            throw JournalMessages.cliError(error, messages: m)
        }
        try session.noteStatisticsRead(period, now: now)
        let head = try session.journal.head()?.fingerprint
        let view = StatsView(
            statistics.suppressed(below: threshold).rows, schools: [schoolName], period: period, threshold: threshold,
            generated: p.localTime(JournalClock.stamp(now)), heads: head.map { [$0] } ?? [], messages: m)
        let text = try view.render(format, messages: m)
        if let out {
            try Self.write(Data(text.utf8), to: out, messages: m)
            print(m("stats.written", ["path": out]))
        } else {
            print(text)
        }
    }

    static func write(_ data: Data, to path: String, messages m: Messages) throws {
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o640])
        else {
            throw CLIError(m("error.write_file", ["path": path]), hint: m("hint.write_file"))
        }
    }
}
