import Foundation
import SafeguardingRules
import Testing

@Suite struct AcademicYearTests {
    static let almaty = TimeZone(identifier: "Asia/Almaty")!

    @Test(arguments: [(2026, "2026/27"), (2099, "2099/00"), (1999, "1999/00"), (2009, "2009/10"), (2000, "2000/01")])
    func theDescriptionIsTheStartYearAndTheNextYearsLastTwoDigits(_ startYear: Int, _ expected: String) {
        #expect(AcademicYear(startYear: startYear).description == expected)
    }

    @Test func entryNumbersArePaddedToThreeDigits() {
        let year = AcademicYear(startYear: 2026)
        #expect(year.entryNumber(1) == "2026/27-001")
        #expect(year.entryNumber(42) == "2026/27-042")
        #expect(year.entryNumber(999) == "2026/27-999")
        #expect(year.entryNumber(1000) == "2026/27-1000")
    }

    @Test(arguments: [
        ("2026-09-01T00:00:00Z", 2026),  // 05:00 on 1 September in Almaty
        ("2026-08-31T18:59:59Z", 2025),  // 23:59:59 on 31 August
        ("2026-08-31T19:00:00Z", 2026),  // midnight
        ("2027-01-01T00:00:00Z", 2026),
        ("2027-08-31T12:00:00Z", 2026),
        ("2027-08-31T20:00:00Z", 2027),  // 01:00 on 1 September
        ("2026-12-31T19:30:00Z", 2026),  // already 1 January 2027 in Almaty
    ])
    func aMomentBelongsToTheYearThatStartedOnTheLastFirstOfSeptemberInAlmaty(_ stamp: String, _ startYear: Int) {
        #expect(AcademicYear(containing: date(stamp), timeZone: Self.almaty) == AcademicYear(startYear: startYear))
    }

    @Test func theSchoolsTimeZoneDecides() {
        let moment = date("2027-08-31T20:00:00Z")
        #expect(AcademicYear(containing: moment, timeZone: Self.almaty).startYear == 2027)
        #expect(AcademicYear(containing: moment, timeZone: TimeZone(identifier: "UTC")!).startYear == 2026)
    }
}
