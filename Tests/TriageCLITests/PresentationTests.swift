import Foundation
import Testing

@testable import TriageCLI

@Suite struct FirstLineOfAReport {
    @Test(arguments: [
        ("Меня дразнят.\nВторая строка", "Меня дразнят."),
        ("\n\n   Мені мазақ етеді  \r\nекінші", "Мені мазақ етеді"),
        ("   \n\t", ""),
        ("", ""),
        ("one line only", "one line only"),
    ])
    func firstNonBlankLineTrimmed(text: String, expected: String) {
        #expect(Presentation.firstLine(text, width: 68) == expected)
    }

    @Test func longLineIsCutToTheWidthWithAnEllipsis() {
        let line = String(repeating: "қ", count: 100)
        let shown = Presentation.firstLine(line + "\nnext", width: 20)
        #expect(shown == String(repeating: "қ", count: 19) + "…")
        #expect(
            Presentation.firstLine(String(repeating: "ж", count: 20), width: 20) == String(repeating: "ж", count: 20))
    }
}

@Suite struct LocalTimes {
    @Test func receiptHourIsShownInTheSchoolsTimeZone() throws {
        let messages = Messages(language: .en)
        let almaty = try #require(TimeZone(identifier: "Asia/Almaty"))
        let p = Presentation(m: messages, timeZone: almaty, now: Date())
        // Almaty is UTC+5 since March 2024: 22:00 UTC is 03:00 the next day.
        #expect(p.localTime("2026-11-22T22:00:00Z") == "23.11.2026 03:00")
        #expect(p.localTime("2026-01-05T04:00:00Z") == "05.01.2026 09:00")
        #expect(p.localTime(nil) == "—")
    }
}
