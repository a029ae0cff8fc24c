import ArgumentParser
import Foundation
import Journal
import Mustache
import SafeHTML

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
