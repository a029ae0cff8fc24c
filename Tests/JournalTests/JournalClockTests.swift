import Foundation
import Journal
import Testing

@Suite struct JournalClockTests {
    @Test func journalStampsAreUTCToTheSecond() {
        #expect(JournalClock.stamp(date("2026-11-22T03:04:05Z")) == "2026-11-22T03:04:05Z")
        #expect(JournalClock.date("2026-11-22T03:00:00Z") == date("2026-11-22T03:00:00Z"))
        #expect(JournalClock.date("yesterday") == nil)
    }
}
