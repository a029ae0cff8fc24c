import ArgumentParser
import Foundation
import Journal
import Mustache
import SafeHTML

/// `senim stats`: the quarterly counts of item 36.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "The quarterly counts of item 36 by type of violence; signed exports and their merge.",
        subcommands: [StatsReport.self, StatsMerge.self],
        defaultSubcommand: StatsReport.self)
}

/// What the output formats share.
enum StatsFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, html
}

/// Counts to show: one school's or several merged, already turned into text and bar lengths.
struct StatsView {
    struct Cell {
        let type: String
        let label: String
        let shown: String
        /// The known part of the count, for bars and JSON; nil when hidden.
        let count: Int?
    }

    struct Row {
        let number: Int
        let label: String
        let cells: [Cell]
        let total: Cell
    }

    let schools: [String]
    let period: StatsPeriod
    let threshold: Int
    let generated: String
    let heads: [String]
    let rows: [Row]

    static func shown(_ count: ShownCount, threshold: Int) -> (String, Int?) {
        switch count {
        case .value(let n): ("\(n)", n)
        case .hidden: ("<\(threshold)", nil)
        }
    }

    init(
        _ rows: [Indicator: (byType: [CrueltyType: ShownCount], total: ShownCount)], schools: [String],
        period: StatsPeriod, threshold: Int, generated: String, heads: [String], messages m: Messages
    ) {
        self.schools = schools
        self.period = period
        self.threshold = threshold
        self.generated = generated
        self.heads = heads
        self.rows = Self.rows(messages: m) { indicator, type in
            let row = rows[indicator]!
            return Self.shown(type.map { row.byType[$0]! } ?? row.total, threshold: threshold)
        }
    }

    init(_ merged: MergedStatistics, period: StatsPeriod, generated: String, messages m: Messages) {
        let threshold = merged.exports.map(\.body.threshold).max() ?? 0
        schools = merged.exports.map(\.body.school)
        self.period = period
        self.threshold = threshold
        self.generated = generated
        heads = merged.exports.compactMap(\.body.head)
        rows = Self.rows(messages: m) { indicator, type in
            let row = merged.rows[indicator]!
            let count = type.map { row.byType[$0]! } ?? row.total
            if count.hiddenParts == 0 { return ("\(count.known)", count.known) }
            return count.known == 0 ? ("<\(threshold * count.hiddenParts)", nil) : ("≥\(count.known)", count.known)
        }
    }

    /// Every indicator's row, each cell (a type, or the total when `type` is nil) shown as `cell` says.
    private static func rows(
        messages m: Messages, _ cell: (Indicator, CrueltyType?) -> (shown: String, count: Int?)
    ) -> [Row] {
        Indicator.allCases.map { indicator in
            let cells = CrueltyType.allCases.map { type in
                let (shown, count) = cell(indicator, type)
                return Cell(type: type.rawValue, label: m("type.\(type.rawValue)"), shown: shown, count: count)
            }
            let (shown, count) = cell(indicator, nil)
            return Row(
                number: indicator.rawValue, label: m("stats.indicator.\(indicator.rawValue)"), cells: cells,
                total: Cell(type: "total", label: m("stats.total"), shown: shown, count: count))
        }
    }

    func render(_ format: StatsFormat, messages m: Messages) throws -> String {
        switch format {
        case .table: table(m)
        case .csv: csv()
        case .json: try json()
        case .html: try html(m)
        }
    }

    func table(_ m: Messages) -> String {
        var lines = Self.wrap(m("stats.heading", ["period": period.description]), indent: "")
        lines += Self.wrap(schools.joined(separator: ", "), indent: "")
        if threshold > 0 { lines.append(m("stats.suppressed", ["k": "\(threshold)"])) }
        lines.append(String(repeating: "─", count: 78))
        for row in rows {
            lines += Self.wrap("\(String(format: "%2d", row.number)). \(row.label): \(row.total.shown)", indent: "    ")
            let parts = row.cells.filter { $0.count != 0 }.map { "\($0.label) \($0.shown)" }
            if !parts.isEmpty {
                var line = "    "
                for part in parts {
                    if line.count + part.count + 3 > 78 {
                        lines.append(line)
                        line = "    "
                    }
                    line += (line == "    " ? "" : " · ") + part
                }
                lines.append(line)
            }
        }
        lines.append(String(repeating: "─", count: 78))
        lines += Self.wrap(
            m("stats.footer", ["generated": generated, "head": heads.joined(separator: ", ")]), indent: "")
        return lines.joined(separator: "\n")
    }

    /// Words folded into lines of at most 78 characters; continuation lines start with `indent`.
    static func wrap(_ text: String, indent: String) -> [String] {
        var lines: [String] = []
        var line = String(text.prefix { $0 == " " })
        for word in text.split(separator: " ") {
            if !line.trimmingCharacters(in: .whitespaces).isEmpty, line.count + 1 + word.count > 78 {
                lines.append(line)
                line = indent + word
            } else {
                line += (line.trimmingCharacters(in: .whitespaces).isEmpty ? "" : " ") + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    func csv() -> String {
        func field(_ text: String) -> String {
            text.contains(where: { ",\"\n".contains($0) })
                ? "\"\(text.replacingOccurrences(of: "\"", with: "\"\""))\"" : text
        }
        var lines = [(["indicator", "name"] + CrueltyType.allCases.map(\.rawValue) + ["total"]).joined(separator: ",")]
        for row in rows {
            lines.append(
                ([String(row.number), field(row.label)] + row.cells.map(\.shown) + [row.total.shown]).joined(
                    separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> String {
        struct Cell: Encodable {
            let count: Int?
            let shown: String
        }
        struct Row: Encodable {
            let indicator: Int
            let name: String
            let byType: [String: Cell]
            let total: Cell
        }
        struct Output: Encodable {
            let schools: [String]
            let year: String
            let from: String
            let to: String
            let suppressBelow: Int
            let generatedAt: String
            let heads: [String]
            let indicators: [Row]
        }
        let output = Output(
            schools: schools, year: period.year.description, from: period.from.description,
            to: CalendarDay(julian: period.until.julian - 1).description, suppressBelow: threshold,
            generatedAt: generated, heads: heads,
            indicators: rows.map { row in
                Row(
                    indicator: row.number, name: row.label,
                    byType: Dictionary(
                        uniqueKeysWithValues: row.cells.map { ($0.type, Cell(count: $0.count, shown: $0.shown)) }),
                    total: Cell(count: row.total.count, shown: row.total.shown))
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }

    func html(_ m: Messages) throws -> String {
        let widest = max(1, rows.flatMap { $0.cells.compactMap(\.count) }.max() ?? 1)
        let barArea = 260.0
        let indicators: [[String: Any]] = rows.map { row in
            let cells = row.cells.filter { $0.count != 0 }
            let bars: [[String: Any]] = cells.enumerated().map { index, cell in
                [
                    "label": cell.label, "shown": cell.shown, "y": index * 18,
                    "textY": index * 18 + 12, "hidden": cell.count == nil,
                    "width": String(format: "%.1f", Double(cell.count ?? 0) / Double(widest) * barArea),
                    "valueX": String(format: "%.1f", 175 + Double(cell.count ?? 0) / Double(widest) * barArea + 6),
                ]
            }
            return [
                "number": row.number, "label": row.label, "total": row.total.shown, "bars": bars,
                "hasBars": !bars.isEmpty, "height": max(18, bars.count * 18),
                "cells": row.cells.map { ["shown": $0.shown] },
            ]
        }
        let strings = Dictionary(
            uniqueKeysWithValues: [
                "title", "school", "period", "generated", "head", "suppressed", "indicator", "total", "none", "note",
            ].map { ($0, m("stats.html.\($0)", ["k": "\(threshold)"])) })
        let context: [String: Any] = [
            "lang": m.language.rawValue, "t": strings, "school": schools.joined(separator: ", "),
            "period": period.description, "generated": generated, "head": heads.joined(separator: ", "),
            "suppressed": threshold > 0, "types": CrueltyType.allCases.map { ["label": m("type.\($0.rawValue)")] },
            "indicators": indicators,
        ]
        return try SafeHTML.template(try PlanCommand.templateText("stats", messages: m)).render(context)
    }
}

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
        if let year, StatsPeriod.parseYear(year) == nil { throw ValidationError("--year must look like 2026/27") }
        if quarter != nil && half != nil { throw ValidationError("give --quarter or --half, not both") }
        if let quarter, !(1...4).contains(quarter) { throw ValidationError("--quarter must be 1, 2, 3 or 4") }
        if let half, !(1...2).contains(half) { throw ValidationError("--half must be 1 or 2") }
        if let suppressBelow, suppressBelow < 0 { throw ValidationError("--suppress-below must be 0 or more") }
    }

    func run() async throws {
        let m = options.messages
        let journal = try options.open()
        let now = options.now()
        let timeZone = try options.run { try journal.timeZone() }
        let academicYear = year.flatMap(StatsPeriod.parseYear) ?? AcademicYear(containing: now, timeZone: timeZone)
        let span: StatsPeriod.Span = quarter.map { .quarter($0) } ?? half.map { .half($0) } ?? .year
        let period = StatsPeriod(
            year: academicYear, span: span, quarters: try options.run { try journal.quarterStarts() })
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
            let signed = try options.run {
                try session.exportStatistics(period, school: schoolName, threshold: suppressBelow ?? 3, now: now)
            }
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
        try options.run { try session.noteStatisticsRead(period, now: now) }
        let head = try options.run { try session.journal.head()?.fingerprint }
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
        if files.isEmpty { throw ValidationError("give at least one export file") }
    }

    func run() async throws {
        let m = common.messages
        func run<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let error as JournalError {
                throw JournalMessages.cliError(error, messages: m)
            }
        }
        let exports = try run { try files.map { try StatsExport.read(path: $0) } }
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
        let merged = try run { try MergedStatistics(exports) }
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
