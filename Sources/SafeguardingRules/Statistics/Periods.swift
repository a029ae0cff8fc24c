import Foundation

/// The twelve quarterly indicators of item 36, in the policy's order.
public enum Indicator: Int, Codable, CaseIterable, Sendable {
    case incidents = 1, aggressors, victims, witnesses, highRisk, injured, juvenilePolice, expelled, transferred
    case longAbsent, victimsOfStaff, staffDismissed

    /// The fact a per-student indicator counts, if it is one.
    package var fact: StudentFact? {
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
    package var role: StudentRole? {
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

    package init(period: StatsPeriod, counts: [Indicator: IndicatorCounts], entries: Int) {
        self.period = period
        self.counts = counts
        self.entries = entries
    }
}
