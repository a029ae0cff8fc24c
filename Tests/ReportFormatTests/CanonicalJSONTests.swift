import Foundation
import ReportFormat
import Testing

/// The hand-written payload JSON is byte for byte what `JSONEncoder` writes with sorted keys and unescaped
/// slashes (the payloads sealed before it and the committed vectors were written by `JSONEncoder`).
@Suite struct CanonicalJSON {
    static func reference(_ report: Report) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(report))
    }

    static func report(
        text: String, classOrGrade: String? = nil, names: String? = nil, contact: String? = nil,
        what: [Concern] = [.bullying], place: Place? = nil, timing: Timing? = nil, inDanger: Bool = false
    ) -> Report {
        Report(
            language: .ru, receivedHour: "2026-11-22T03:00:00Z", reporter: .studentSelf, what: what, place: place,
            timing: timing, inDanger: inDanger, classOrGrade: classOrGrade, text: text, names: names,
            contact: contact)
    }

    @Test func everyASCIICharacterAndAwkwardScalarIsEscapedAlike() throws {
        let awkward: [Unicode.Scalar] =
            (0..<0x80).map { Unicode.Scalar(UInt8($0)) } + [
                "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFD}", "😢", "Ә", "ң",
            ]
        for scalar in awkward {
            let value = "a\(Character(scalar))b"
            let report = Self.report(text: value, classOrGrade: value, names: value, contact: value)
            #expect(try report.jsonBytes() == Self.reference(report), "U+\(String(scalar.value, radix: 16))")
        }
    }

    @Test func randomReportsEncodeAlike() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 /\\\"\n\r\t\u{0}\u{1F}\u{7F}ӘәҒғҚқҢңӨөҰұҮүҺһІіЖжЁё😢\u{301}{}[]:,")
        func text(_ length: Int) -> String {
            String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
        }
        func maybe(_ value: String) -> String? { Bool.random(using: &generator) ? value : nil }
        for _ in 0..<500 {
            let report = Self.report(
                text: text(Int.random(in: 0...300, using: &generator)),
                classOrGrade: maybe(text(4)), names: maybe(text(40)), contact: maybe(text(20)),
                what: Array(Concern.allCases.shuffled(using: &generator).prefix(Int.random(in: 1...4))),
                place: Bool.random(using: &generator) ? Place.allCases.randomElement(using: &generator) : nil,
                timing: Bool.random(using: &generator) ? Timing.allCases.randomElement(using: &generator) : nil,
                inDanger: Bool.random(using: &generator))
            #expect(try report.jsonBytes() == Self.reference(report))
        }
    }
}
