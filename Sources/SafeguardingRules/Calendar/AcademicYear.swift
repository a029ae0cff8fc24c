import Foundation

/// The Kazakh academic year: 1 September to 31 August, in the school's time zone.
public struct AcademicYear: Equatable, Sendable, CustomStringConvertible {
    /// The calendar year it starts in.
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// The academic year a moment falls in.
    public init(containing date: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month], from: date)
        startYear = parts.month! >= 9 ? parts.year! : parts.year! - 1
    }

    /// `2026/27`.
    public var description: String { String(format: "%d/%02d", startYear, (startYear + 1) % 100) }

    /// An entry number: `2026/27-001`.
    public func entryNumber(_ sequence: Int) -> String { "\(self)-\(String(format: "%03d", sequence))" }
}
