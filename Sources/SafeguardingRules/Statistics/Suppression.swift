import Foundation

/// A count as shown outside the journal: the number, or hidden when it is small enough to point at a child.
public enum ShownCount: Equatable, Sendable {
    case value(Int)
    case hidden
}

/// Statistics with small counts hidden.
public struct SuppressedStatistics: Equatable, Sendable {
    public let period: StatsPeriod
    /// Counts under this are hidden; 0 hides nothing.
    public let threshold: Int
    public let rows: [Indicator: (byType: [CrueltyType: ShownCount], total: ShownCount)]

    public static func == (a: Self, b: Self) -> Bool {
        a.period == b.period && a.threshold == b.threshold
            && Indicator.allCases.allSatisfy {
                a.rows[$0]?.byType == b.rows[$0]?.byType && a.rows[$0]?.total == b.rows[$0]?.total
            }
    }
}

extension Statistics {
    /// Hides every count from 1 to `threshold − 1`, and then, in each indicator's row, hides more cells
    /// (the smallest shown non-zero ones) until no hidden cell stands alone: with one hidden cell, the total and
    /// the other types would give it away.
    public func suppressed(below threshold: Int) -> SuppressedStatistics {
        var rows: [Indicator: (byType: [CrueltyType: ShownCount], total: ShownCount)] = [:]
        for indicator in Indicator.allCases {
            let counts = self.counts[indicator]!
            func small(_ n: Int) -> Bool { n > 0 && n < threshold }
            var hidden = Set(CrueltyType.allCases.filter { small(counts.byType[$0] ?? 0) })
            let totalHidden = small(counts.total)
            if hidden.count == 1 && !totalHidden {
                // The smallest other non-zero type goes too; if there is none, the total would equal the hidden
                // cell, so the total goes.
                let candidates = CrueltyType.allCases.filter { !hidden.contains($0) && (counts.byType[$0] ?? 0) > 0 }
                    .sorted { (counts.byType[$0] ?? 0, $0.rawValue) < (counts.byType[$1] ?? 0, $1.rawValue) }
                if let next = candidates.first { hidden.insert(next) }
            }
            let totalShown: ShownCount =
                totalHidden
                    || (hidden.count == 1
                        && hidden.count == CrueltyType.allCases.filter { (counts.byType[$0] ?? 0) > 0 }.count)
                ? .hidden : .value(counts.total)
            var byType: [CrueltyType: ShownCount] = [:]
            for type in CrueltyType.allCases {
                byType[type] = hidden.contains(type) ? .hidden : .value(counts.byType[type] ?? 0)
            }
            rows[indicator] = (byType, totalShown)
        }
        return SuppressedStatistics(period: period, threshold: threshold, rows: rows)
    }
}
