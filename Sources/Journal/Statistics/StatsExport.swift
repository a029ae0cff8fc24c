import Foundation
import ReportFormat

/// A school's suppressed counts for the organisation, signed by the member who exported them. It holds no entry,
/// no text and no count small enough to point at a child.
public struct StatsExport: Codable, Equatable, Sendable {
    public struct Row: Codable, Equatable, Sendable {
        public let indicator: Int
        /// Per type of cruelty; null when hidden.
        public let byType: [String: Int?]
        public let total: Int?
    }

    public struct Body: Codable, Equatable, Sendable {
        public var format = "senim-stats-1"
        public let school: String
        public let year: String
        public let span: String
        public let from: String
        public let to: String
        public let threshold: Int
        public let generatedAt: String
        public let head: String?
        public let signerRole: String
        /// The signer's Ed25519 public key, base64.
        public let signerKey: String
        public let rows: [Row]
    }

    public let body: Body
    /// Ed25519 over the body's canonical JSON (sorted keys, no spaces), base64.
    public let signature: String

    static func canonical(_ body: Body) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(body))
    }

    /// A short fingerprint of the signer's key, for the organisation to compare with the one each school registered.
    public var signerFingerprint: String {
        let key = Data(base64Encoded: body.signerKey) ?? Data()
        return ChainHead.groupedHex(Sodium.genericHash(Array(key), length: 8))
    }

    /// Reads an export and checks its signature; a tampered or unsigned file is refused.
    public static func read(path: String) throws -> StatsExport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw JournalError.export(path: path, problem: .unreadable)
        }
        guard let export = try? JSONDecoder().decode(StatsExport.self, from: data),
            export.body.format == "senim-stats-1"
        else { throw JournalError.export(path: path, problem: .notAnExport) }
        guard let key = Data(base64Encoded: export.body.signerKey),
            let signature = Data(base64Encoded: export.signature),
            Sodium.verify(signature: Array(signature), message: try canonical(export.body), publicKey: Array(key))
        else { throw JournalError.export(path: path, problem: .badSignature) }
        return export
    }

    /// The counts as shown, by indicator.
    public var shown: [Indicator: (byType: [CrueltyType: ShownCount], total: ShownCount)] {
        var rows: [Indicator: (byType: [CrueltyType: ShownCount], total: ShownCount)] = [:]
        for row in body.rows {
            guard let indicator = Indicator(rawValue: row.indicator) else { continue }
            var byType: [CrueltyType: ShownCount] = [:]
            for type in CrueltyType.allCases {
                byType[type] = (row.byType[type.rawValue] ?? 0).map(ShownCount.value) ?? .hidden
            }
            rows[indicator] = (byType, row.total.map(ShownCount.value) ?? .hidden)
        }
        return rows
    }
}

extension JournalSession {
    /// Signs the suppressed counts of a period for the organisation. Any member may export: it reads no entry.
    public func exportStatistics(
        _ period: StatsPeriod, school: String, threshold: Int, now: Date
    ) throws -> StatsExport {
        let shown = try journal.statistics(period).suppressed(below: threshold)
        let rows = Indicator.allCases.map { indicator in
            let row = shown.rows[indicator]!
            var byType: [String: Int?] = [:]
            for type in CrueltyType.allCases {
                if case .value(let n) = row.byType[type]! {
                    byType[type.rawValue] = n
                } else {
                    byType[type.rawValue] = .some(nil)
                }
            }
            let total: Int? = if case .value(let n) = row.total { n } else { nil }
            return StatsExport.Row(indicator: indicator.rawValue, byType: byType, total: total)
        }
        try log(.stats, "export \(period.year) \(Self.spanName(period.span))", now: now)
        let body = StatsExport.Body(
            school: school, year: period.year.description, span: Self.spanName(period.span),
            from: period.from.description, to: CalendarDay(julian: period.until.julian - 1).description,
            threshold: threshold, generatedAt: JournalClock.stamp(now), head: try journal.head()?.fingerprint,
            signerRole: member.role.rawValue, signerKey: Data(keys.signPublicKey).base64EncodedString(), rows: rows)
        let signature = keys.sign(try StatsExport.canonical(body))
        return StatsExport(body: body, signature: Data(signature).base64EncodedString())
    }

    static func spanName(_ span: StatsPeriod.Span) -> String {
        switch span {
        case .year: "year"
        case .quarter(let n): "q\(n)"
        case .half(let n): "h\(n)"
        }
    }

    /// The counts of a period, with the reading logged.
    public func statistics(_ period: StatsPeriod, now: Date) throws -> Statistics {
        let statistics = try journal.statistics(period)
        try noteStatisticsRead(period, now: now)
        return statistics
    }

    /// Logs that this member read the counts of a period (counted by `Journal.statistics`, which needs no key).
    public func noteStatisticsRead(_ period: StatsPeriod, now: Date) throws {
        try log(.stats, "\(period.year) \(Self.spanName(period.span))", now: now)
    }
}

/// A count summed over schools: what is known, and whether some school hid a part of it.
public struct MergedCount: Equatable, Sendable {
    public var known: Int
    public var hiddenParts: Int

    public init(known: Int, hiddenParts: Int) {
        self.known = known
        self.hiddenParts = hiddenParts
    }
}

/// Several schools' exports of the same period, added up.
public struct MergedStatistics: Sendable {
    public let exports: [StatsExport]
    public let rows: [Indicator: (byType: [CrueltyType: MergedCount], total: MergedCount)]

    /// Adds up exports of one period; they must all be of the same year and span.
    public init(_ exports: [StatsExport]) throws {
        guard let first = exports.first else { throw JournalError.export(path: "", problem: .none) }
        for export in exports where (export.body.year, export.body.span) != (first.body.year, first.body.span) {
            throw JournalError.export(
                path: export.body.school,
                problem: .otherPeriod("\(export.body.year) \(export.body.span) ≠ \(first.body.year) \(first.body.span)")
            )
        }
        var rows: [Indicator: (byType: [CrueltyType: MergedCount], total: MergedCount)] = [:]
        for indicator in Indicator.allCases {
            var byType = Dictionary(
                uniqueKeysWithValues: CrueltyType.allCases.map { ($0, MergedCount(known: 0, hiddenParts: 0)) })
            var total = MergedCount(known: 0, hiddenParts: 0)
            for export in exports {
                guard let row = export.shown[indicator] else { continue }
                for type in CrueltyType.allCases {
                    switch row.byType[type]! {
                    case .value(let n): byType[type]!.known += n
                    case .hidden: byType[type]!.hiddenParts += 1
                    }
                }
                switch row.total {
                case .value(let n): total.known += n
                case .hidden: total.hiddenParts += 1
                }
            }
            rows[indicator] = (byType, total)
        }
        self.exports = exports
        self.rows = rows
    }
}
