import Foundation
import GRDB

/// The twelve quarterly indicators of item 36, in the policy's order.
public enum Indicator: Int, Codable, CaseIterable, Sendable {
    case incidents = 1, aggressors, victims, witnesses, highRisk, injured, juvenilePolice, expelled, transferred
    case longAbsent, victimsOfStaff, staffDismissed

    /// The fact a per-student indicator counts, if it is one.
    var fact: StudentFact? {
        switch self {
        case .highRisk: .highRisk
        case .injured: .injured
        case .juvenilePolice: .juvenilePolice
        case .expelled: .expelled
        case .transferred: .transferred
        case .longAbsent: .longAbsent
        case .victimsOfStaff: .victimOfStaff
        default: nil
        }
    }

    /// The role a participation indicator counts.
    var role: StudentRole? {
        switch self {
        case .aggressors: .aggressor
        case .victims: .victim
        case .witnesses: .witness
        default: nil
        }
    }
}

/// The start days of the academic year's quarters, as month and day. The year runs from the first quarter's start
/// to the day before the next year's; each quarter to the day before the next one starts, so holidays belong to
/// the quarter before them and every day of the year is in exactly one quarter.
public struct QuarterStarts: Equatable, Sendable {
    public let starts: [(month: Int, day: Int)]

    /// 1 September, 1 November, 1 January, 1 April: the quarters of the Kazakh school year with the autumn,
    /// winter and spring holidays each closing the quarter before them. Schools put the Ministry's exact dates for
    /// a year in the journal folder's `quarters.txt`.
    public static let standard = QuarterStarts(starts: [(9, 1), (11, 1), (1, 1), (4, 1)])

    public init(starts: [(month: Int, day: Int)]) { self.starts = starts }

    public static func == (a: Self, b: Self) -> Bool {
        a.starts.map { [$0.month, $0.day] } == b.starts.map { [$0.month, $0.day] }
    }

    /// Reads `MM-DD MM-DD MM-DD MM-DD` (the four starts; `#` starts a comment).
    public init?(text: String) {
        let line = text.split(separator: "\n").map { $0.split(separator: "#", omittingEmptySubsequences: false)[0] }
            .map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        guard let parts = line?.split(separator: " ").map(String.init), parts.count == 4 else { return nil }
        var starts: [(Int, Int)] = []
        for part in parts {
            let numbers = part.split(separator: "-").compactMap { Int($0) }
            guard numbers.count == 2, (1...12).contains(numbers[0]), (1...31).contains(numbers[1]) else { return nil }
            starts.append((numbers[0], numbers[1]))
        }
        // In the order of the school year: September first, then through to August.
        let order = starts.map { ($0.0 + 4) % 12 * 100 + $0.1 }
        guard order == order.sorted(), Set(order).count == 4 else { return nil }
        self.starts = starts
    }

    /// The calendar day quarter `n` (1…4) of `year` starts; quarter 5 is the next year's first.
    func start(_ n: Int, of year: AcademicYear) -> CalendarDay {
        let (month, day) = starts[(n - 1) % 4]
        let calendarYear = year.startYear + (n > 4 ? 1 : 0) + (month < starts[0].month ? 1 : 0)
        return CalendarDay(year: calendarYear, month: month, day: day)
    }
}

/// A span of the academic year counted together.
public struct StatsPeriod: Equatable, Sendable, CustomStringConvertible {
    public enum Span: Equatable, Sendable {
        case year
        case quarter(Int)
        case half(Int)
    }

    public let year: AcademicYear
    public let span: Span
    /// The first day and the day after the last.
    public let from: CalendarDay
    public let until: CalendarDay

    public init(year: AcademicYear, span: Span, quarters: QuarterStarts = .standard) {
        self.year = year
        self.span = span
        switch span {
        case .year: (from, until) = (quarters.start(1, of: year), quarters.start(5, of: year))
        case .quarter(let n): (from, until) = (quarters.start(n, of: year), quarters.start(n + 1, of: year))
        case .half(let n): (from, until) = (quarters.start(2 * n - 1, of: year), quarters.start(2 * n + 1, of: year))
        }
    }

    /// A period with its days given (as an export states them).
    public init(year: AcademicYear, span: Span, from: CalendarDay, until: CalendarDay) {
        self.year = year
        self.span = span
        self.from = from
        self.until = until
    }

    /// `2026/27 Q2 (2026-11-01 – 2026-12-31)`.
    public var description: String {
        let name: String
        switch span {
        case .year: name = "\(year)"
        case .quarter(let n): name = "\(year) Q\(n)"
        case .half(let n): name = "\(year) H\(n)"
        }
        return "\(name) (\(from) – \(CalendarDay(julian: until.julian - 1)))"
    }

    /// Reads `--year 2026/27` with an optional quarter or half.
    public static func parseYear(_ text: String) -> AcademicYear? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let start = Int(parts[0]), let end = Int(parts[1]), (2000...2100).contains(start),
            end == (start + 1) % 100
        else { return nil }
        return AcademicYear(startYear: start)
    }
}

/// One indicator's counts: per type of cruelty and in total. The total counts each student (or incident) once,
/// so it can be less than the sum of the types when an entry has several.
public struct IndicatorCounts: Codable, Equatable, Sendable {
    public var byType: [CrueltyType: Int]
    public var total: Int

    public init(byType: [CrueltyType: Int], total: Int) {
        self.byType = byType
        self.total = total
    }
}

/// The counts of a period: what `senim stats` shows, before suppression.
public struct Statistics: Equatable, Sendable {
    public let period: StatsPeriod
    public let counts: [Indicator: IndicatorCounts]
    /// How many entries the period holds.
    public let entries: Int
}

extension Journal {
    /// The school's quarter starts: the journal folder's `quarters.txt`, else the standard ones.
    public func quarterStarts() throws -> QuarterStarts {
        let path = directory.appendingPathComponent("quarters.txt").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return .standard }
        guard let starts = QuarterStarts(text: text) else { throw JournalError.quartersFile(path: path) }
        return starts
    }

    /// Counts the item 36 indicators for a period from the queryable columns only: no entry key is needed, and no
    /// text is read. Entries count by their registration time in the school's time zone.
    public func statistics(_ period: StatsPeriod) throws -> Statistics {
        let timeZone = try timeZone()
        let from = JournalClock.stamp(period.from.start(in: timeZone))
        let until = JournalClock.stamp(period.until.start(in: timeZone))
        return try database.writer.read { db in
            // The counts come from plaintext columns: a row changed behind Senim's back must not be counted (nor
            // signed into an export) as if the log vouched for it.
            try Ledger.requireRecorded(db, tables: ["entry", "entry_person"])
            var counts: [Indicator: IndicatorCounts] = [:]
            for indicator in Indicator.allCases { counts[indicator] = IndicatorCounts(byType: [:], total: 0) }
            var typeCache: [String: [CrueltyType]] = [:]
            func types(_ text: String) -> [CrueltyType] {
                if let cached = typeCache[text] { return cached }
                let parsed = text.split(separator: ",").compactMap { CrueltyType(rawValue: String($0)) }
                typeCache[text] = parsed
                return parsed
            }
            func add(_ indicator: Indicator, _ types: [CrueltyType], _ n: Int) {
                guard n != 0 else { return }
                for type in types { counts[indicator]!.byType[type, default: 0] += n }
            }

            // Per combination of types (a few dozen groups, however many entries), summed in SQLite from an index
            // that covers them: incidents, staff dismissed, and the students each entry counts.
            let groups = try Row.fetchAll(
                db,
                sql: """
                    SELECT types, COUNT(*), SUM(staff_dismissed), SUM(aggressors), SUM(victims), SUM(witnesses)
                    FROM entry WHERE registered_at >= ? AND registered_at < ? GROUP BY types
                    """, arguments: [from, until])
            var entryCount = 0
            for group in groups {
                let groupTypes = types(group[0])
                let n: Int = group[1]
                entryCount += n
                add(.incidents, groupTypes, n)
                counts[.incidents]!.total += n
                let dismissed: Int = group[2]
                add(.staffDismissed, groupTypes, dismissed)
                counts[.staffDismissed]!.total += dismissed
                for (column, indicator) in [(3, Indicator.aggressors), (4, .victims), (5, .witnesses)] {
                    let counted: Int = group[column]
                    add(indicator, groupTypes, counted)
                    counts[indicator]!.total += counted
                }
            }

            // Students recorded individually count once per indicator (and once per type) however many entries
            // of the period name them; the ones an entry counts but nobody recorded stay children of their own.
            var students: [Indicator: [CrueltyType: Set<Int64>]] = [:]
            var studentTotals: [Indicator: Set<Int64>] = [:]
            var factCache: [String: (role: StudentRole?, indicators: [Indicator])] = [:]
            struct Named {
                var types: [CrueltyType]
                var counted: [Int]
                var named = [0, 0, 0]
            }
            var namedByEntry: [Int64: Named] = [:]
            let roles: [StudentRole] = [.aggressor, .victim, .witness]
            let people = try Row.fetchCursor(
                db,
                sql: """
                    SELECT entry_person.person_id, entry_person.role, entry_person.facts, entry.types, entry.id,
                        entry.aggressors, entry.victims, entry.witnesses
                    FROM entry_person JOIN entry ON entry.id = entry_person.entry_id
                    WHERE entry.registered_at >= ? AND entry.registered_at < ?
                    """, arguments: [from, until])
            while let row = try people.next() {
                let person: Int64 = row[0]
                let key = (row[1] as String) + "|" + (row[2] as String)
                let parsed =
                    factCache[key]
                    ?? {
                        let parts = key.split(separator: "|", omittingEmptySubsequences: false)
                        let role = StudentRole(rawValue: String(parts[0]))
                        let facts = Set(parts[1].split(separator: ",").compactMap { StudentFact(rawValue: String($0)) })
                        let found = Indicator.allCases.filter {
                            ($0.role != nil && $0.role == role) || ($0.fact.map(facts.contains) ?? false)
                        }
                        factCache[key] = (role, found)
                        return (role, found)
                    }()
                let entryTypes = types(row[3])
                for indicator in parsed.indicators {
                    studentTotals[indicator, default: []].insert(person)
                    for type in entryTypes { students[indicator, default: [:]][type, default: []].insert(person) }
                }
                if let role = parsed.role, let index = roles.firstIndex(of: role) {
                    let entryID: Int64 = row[4]
                    namedByEntry[entryID, default: Named(types: entryTypes, counted: [row[5], row[6], row[7]])]
                        .named[index] += 1
                }
            }
            // Those recorded individually are counted as themselves above: take them out of the entry's own count.
            for named in namedByEntry.values {
                for (index, role) in roles.enumerated() {
                    let covered = min(named.counted[index], named.named[index])
                    guard covered > 0, let indicator = Indicator.allCases.first(where: { $0.role == role }) else {
                        continue
                    }
                    add(indicator, named.types, -covered)
                    counts[indicator]!.total -= covered
                }
            }
            for (indicator, byType) in students {
                for (type, set) in byType { counts[indicator]!.byType[type, default: 0] += set.count }
            }
            for (indicator, set) in studentTotals { counts[indicator]!.total += set.count }
            for indicator in Indicator.allCases {
                counts[indicator]!.byType = counts[indicator]!.byType.filter { $0.value != 0 }
            }
            return Statistics(period: period, counts: counts, entries: entryCount)
        }
    }
}

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
