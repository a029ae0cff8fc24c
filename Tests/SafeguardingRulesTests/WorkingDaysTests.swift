import Foundation
import SafeguardingRules
import Testing

private let almaty = TimeZone(identifier: "Asia/Almaty")!
private let kz = WorkingCalendar.bundled(timeZone: almaty)

private func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

@Suite struct CalendarDayTests {
    @Test(arguments: ["2026-01-01", "2026-02-28", "2028-02-29", "2026-12-31", "1999-07-06"])
    func parsingAndPrintingRoundTrip(text: String) {
        #expect(CalendarDay(text)?.description == text)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-32", "x"])
    func impossibleDatesAreRefused(text: String) {
        #expect(CalendarDay(text) == nil)
    }

    @Test func weekdaysAreRight() {
        #expect(day("2026-11-23").isoWeekday == 1)  // a Monday
        #expect(day("2026-11-21").isWeekend && day("2026-11-22").isWeekend)
        #expect(!day("2026-11-20").isWeekend)
    }

    @Test func theDayOfAMomentIsTakenInTheSchoolsTimeZone() throws {
        // 20:00 UTC on the 22nd is 01:00 on the 23rd in Almaty (UTC+5).
        #expect(CalendarDay(try Date("2026-11-22T20:00:00Z", strategy: .iso8601), in: almaty) == day("2026-11-23"))
        #expect(CalendarDay(try Date("2026-11-22T18:59:59Z", strategy: .iso8601), in: almaty) == day("2026-11-22"))
    }
}

@Suite struct WorkingCalendarTests {
    @Test func anOrdinaryWeekdayReportIsDueTheNextWorkingDay() {
        #expect(kz.workingDay(1, after: day("2026-11-24")) == day("2026-11-25"))  // Tuesday → Wednesday
        #expect(kz.workingDay(2, after: day("2026-11-24")) == day("2026-11-26"))
    }

    @Test func aReportReceivedOnAFridayEveningIsDueOnMonday() {
        #expect(kz.workingDay(1, after: day("2026-11-20")) == day("2026-11-23"))
        #expect(kz.workingDay(2, after: day("2026-11-20")) == day("2026-11-24"))
    }

    @Test func aReportReceivedOnTheWeekendIsDueOnMonday() {
        #expect(kz.workingDay(1, after: day("2026-11-21")) == day("2026-11-23"))
        #expect(kz.workingDay(1, after: day("2026-11-22")) == day("2026-11-23"))
    }

    @Test func aHolidayEveSkipsTheHolidayAndTheDayItMovedTo() {
        // Friday 23 October 2026: Republic Day is Sunday the 25th and moves to Monday the 26th.
        #expect(kz.workingDay(1, after: day("2026-10-23")) == day("2026-10-27"))
        // Friday 20 March 2026: Nauryz 21–23, moved to 24 and 25: first working day Thursday the 26th.
        #expect(kz.workingDay(1, after: day("2026-03-20")) == day("2026-03-26"))
        // Tuesday 15 December 2026: Independence Day on Wednesday the 16th.
        #expect(kz.workingDay(1, after: day("2026-12-15")) == day("2026-12-17"))
    }

    @Test func aReportReceivedOnAHolidayCountsFromTheNextWorkingDay() {
        // 1 January 2027 (Friday) and the 2nd (Saturday, moved to Monday the 4th).
        #expect(kz.workingDay(1, after: day("2027-01-01")) == day("2027-01-05"))
    }

    @Test func weekendDaysDeclaredWorkingCount() throws {
        let calendar = try WorkingCalendar(
            fileText: "# a decree\n2026-11-28 workday moved from 31 December\n2026-11-27 holiday a school day off\n",
            timeZone: almaty)
        #expect(calendar.isWorkingDay(day("2026-11-28")))
        #expect(!calendar.isWorkingDay(day("2026-11-27")))
        #expect(calendar.workingDay(1, after: day("2026-11-26")) == day("2026-11-28"))
    }

    @Test func countingWorkingDaysBetweenTwoDays() {
        #expect(kz.workingDays(from: day("2026-11-20"), to: day("2026-11-23")) == 1)
        #expect(kz.workingDays(from: day("2026-11-23"), to: day("2026-11-20")) == -1)
        #expect(kz.workingDays(from: day("2026-11-23"), to: day("2026-11-23")) == 0)
        #expect(kz.workingDays(from: day("2026-11-23"), to: day("2026-11-30")) == 5)
    }

    @Test func theBundledFileHasTheOfficialHolidaysOfBothYears() {
        for holiday in [
            "2026-01-01", "2026-01-07", "2026-03-08", "2026-03-23", "2026-05-09", "2026-07-06", "2026-08-30",
            "2026-10-25", "2026-12-16", "2027-03-22", "2027-12-16",
        ] {
            #expect(kz.holidays[day(holiday)] != nil, "\(holiday)")
            #expect(!kz.isWorkingDay(day(holiday)))
        }
        #expect(kz.isWorkingDay(day("2026-12-17")), "Independence Day is one day since 2022")
    }

    @Test(arguments: ["2026-11-28", "2026-11-28 feast", "28.11.2026 holiday x", "2026-02-30 holiday x"])
    func aBadCalendarLineIsRefusedWithItsNumber(line: String) {
        #expect(throws: CalendarFileError.badLine(number: 2, text: line.trimmingCharacters(in: .whitespaces))) {
            _ = try WorkingCalendar(fileText: "# header\n\(line)\n", timeZone: almaty)
        }
    }
}
