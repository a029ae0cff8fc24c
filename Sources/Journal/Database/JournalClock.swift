import Foundation

/// Time stamps in the journal (the triage side may keep precise times; the intake never does).
public enum JournalClock {
    /// ISO 8601 UTC to the second.
    public static func stamp(_ date: Date) -> String { date.formatted(.iso8601) }

    /// Parses a stamp or an hour from a payload.
    public static func date(_ stamp: String) -> Date? { try? Date(stamp, strategy: .iso8601) }
}
