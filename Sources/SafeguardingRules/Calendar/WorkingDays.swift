import Foundation

/// A calendar day, without a time or a time zone.
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The Julian day number: consecutive integers, so day arithmetic is plain addition.
    public let julian: Int

    public init(julian: Int) { self.julian = julian }

    public init(year: Int, month: Int, day: Int) {
        // Fliegel and Van Flandern's conversion from the Gregorian calendar.
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        julian = day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard self.parts == (year, month, day) else { return nil }
    }

    /// The day a moment falls on in a time zone.
    public init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    public var parts: (year: Int, month: Int, day: Int) {
        let a = julian + 32044
        let b = (4 * a + 3) / 146_097
        let c = a - 146_097 * b / 4
        let d = (4 * c + 3) / 1461
        let e = c - 1461 * d / 4
        let m = (5 * e + 2) / 153
        return (100 * b + d - 4800 + m / 10, m + 3 - 12 * (m / 10), e - (153 * m + 2) / 5 + 1)
    }

    /// 1 Monday … 7 Sunday.
    public var isoWeekday: Int { julian % 7 + 1 }

    public var isWeekend: Bool { isoWeekday >= 6 }

    public func adding(days: Int) -> CalendarDay { CalendarDay(julian: julian + days) }

    /// `2026-11-23`.
    public var description: String {
        let (y, m, d) = parts
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = String(y)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(m) + "-" + two(d)
    }

    /// The first moment of the day in a time zone.
    public func start(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let (y, m, d) = parts
        return calendar.date(from: DateComponents(year: y, month: m, day: d))!
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.julian < b.julian }
}

/// Why a calendar file cannot be used.
public enum CalendarFileError: Error, Equatable, Sendable {
    case badLine(number: Int, text: String)
}

/// Working days in the school's time zone: Monday to Friday, minus public holidays, plus weekend days declared
/// working. The days come from a data file (`Resources/calendar/kz.txt`, or the journal folder's `calendar.txt`).
public struct WorkingCalendar: Sendable {
    public let timeZone: TimeZone
    /// Days off that are not weekends, with their names.
    public let holidays: [CalendarDay: String]
    /// Saturdays and Sundays declared working days.
    public let workdays: Set<CalendarDay>

    public init(timeZone: TimeZone, holidays: [CalendarDay: String] = [:], workdays: Set<CalendarDay> = []) {
        self.timeZone = timeZone
        self.holidays = holidays
        self.workdays = workdays
    }

    /// Reads the calendar file form: `YYYY-MM-DD holiday <name>` or `YYYY-MM-DD workday <name>`; `#` comments.
    public init(fileText: String, timeZone: TimeZone) throws(CalendarFileError) {
        var holidays: [CalendarDay: String] = [:]
        var workdays: Set<CalendarDay> = []
        for (index, raw) in fileText.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard fields.count >= 2, let day = CalendarDay(fields[0]) else {
                throw .badLine(number: index + 1, text: line)
            }
            let name = fields.count > 2 ? String(fields[2]) : ""
            switch fields[1] {
            case "holiday": holidays[day] = name
            case "workday": workdays.insert(day)
            default: throw .badLine(number: index + 1, text: line)
            }
        }
        self.init(timeZone: timeZone, holidays: holidays, workdays: workdays)
    }

    /// The calendar shipped with Senim: Kazakhstan's holidays of 2026 and 2027.
    public static func bundled(timeZone: TimeZone) -> WorkingCalendar {
        // Foundation on Linux treats a bundle's `Resources` folder as its resource folder.
        let root = Bundle.module.resourceURL!
        let candidates = [
            root.appendingPathComponent("calendar/kz.txt"), root.appendingPathComponent("Resources/calendar/kz.txt"),
        ]
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }),
            let text = try? String(contentsOf: url, encoding: .utf8),
            let calendar = try? WorkingCalendar(fileText: text, timeZone: timeZone)
        else { fatalError("senim: the working-day calendar is missing or damaged in \(root.path); reinstall senim") }
        return calendar
    }

    /// The journal folder's `calendar.txt` if the school put one there, else the bundled calendar.
    public static func forJournal(directory: URL, timeZone: TimeZone) throws -> WorkingCalendar {
        let own = directory.appendingPathComponent("calendar.txt")
        guard let text = try? String(contentsOf: own, encoding: .utf8) else { return bundled(timeZone: timeZone) }
        return try WorkingCalendar(fileText: text, timeZone: timeZone)
    }

    public func isWorkingDay(_ day: CalendarDay) -> Bool {
        if workdays.contains(day) { return true }
        return !day.isWeekend && holidays[day] == nil
    }

    /// The `n`-th working day after `day` (`n` ≥ 1). A term of n working days starts the day after the event, so
    /// a report received on a Friday evening is due by the end of Monday, or of Tuesday if Monday is a holiday.
    public func workingDay(_ n: Int, after day: CalendarDay) -> CalendarDay {
        precondition(n >= 1)
        var current = day
        var counted = 0
        while counted < n {
            current = current.adding(days: 1)
            if isWorkingDay(current) { counted += 1 }
        }
        return current
    }

    /// Working days from `from` to `to`: positive when `to` is later (counting `to` when it is a working day),
    /// negative when it is earlier, 0 on the same day.
    public func workingDays(from: CalendarDay, to: CalendarDay) -> Int {
        if from == to { return 0 }
        let (low, high, sign) = from < to ? (from, to, 1) : (to, from, -1)
        var count = 0
        var day = low.adding(days: 1)
        while day <= high {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return sign * count
    }

    public func day(of date: Date) -> CalendarDay { CalendarDay(date, in: timeZone) }
}
