import ArgumentParser
import Foundation
import Journal
import Mustache
import SafeHTML

struct StatsMerge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Verify several schools' signed exports and add them up into one report (no journal needed).")

    @Argument(help: "The export files.")
    var files: [String]

    @Option(help: "table, csv, json or html (default table).")
    var format: StatsFormat = .table

    @Option(help: "Accept only exports signed by the key fingerprints listed in this file, one per line.")
    var trustedKeys: String?

    @Option(help: "Write the output to this file instead of printing it.")
    var out: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError(Messages.forUsage("usage.merge_files")) }
    }

    func run() async throws {
        let m = common.messages
        let exports = try files.map { try StatsExport.read(path: $0) }
        if let trustedKeys {
            let trusted = Set(
                (try? String(contentsOfFile: trustedKeys, encoding: .utf8))?.split(separator: "\n")
                    .map { $0.trimmingCharacters(in: .whitespaces).uppercased() } ?? [])
            for (file, export) in zip(files, exports) where !trusted.contains(export.signerFingerprint) {
                throw CLIError(
                    m("error.untrusted_export", ["path": file, "fingerprint": export.signerFingerprint]),
                    hint: m("hint.untrusted_export"))
            }
        }
        let merged = try MergedStatistics(exports)
        let first = exports[0].body
        let year = StatsPeriod.parseYear(first.year)!
        let span: StatsPeriod.Span =
            first.span.hasPrefix("q")
            ? .quarter(Int(first.span.dropFirst()) ?? 1)
            : first.span.hasPrefix("h") ? .half(Int(first.span.dropFirst()) ?? 1) : .year
        var period = StatsPeriod(year: year, span: span)
        if let from = CalendarDay(first.from), let to = CalendarDay(first.to) {
            period = StatsPeriod(year: year, span: span, from: from, until: to.adding(days: 1))
        }
        for (file, export) in zip(files, exports) {
            FileHandle.standardError.write(
                Data(
                    (m(
                        "stats.merged_file",
                        ["path": file, "school": export.body.school, "fingerprint": export.signerFingerprint]) + "\n")
                        .utf8))
        }
        let generated = JournalClock.stamp(Date())
        let text = try StatsView(merged, period: period, generated: generated, messages: m).render(format, messages: m)
        if let out {
            try StatsReport.write(Data(text.utf8), to: out, messages: m)
            print(m("stats.written", ["path": out]))
        } else {
            print(text)
        }
    }
}
