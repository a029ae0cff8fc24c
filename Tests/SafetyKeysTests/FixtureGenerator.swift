import Foundation
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

/// Regenerates the TEST ONLY key fixtures and the envelope test vectors.
/// Run once, deliberately: `SENIM_WRITE_FIXTURES=1 swift test --filter FixtureGenerator`.
@Suite struct FixtureGenerator {
    static let enabled = ProcessInfo.processInfo.environment["SENIM_WRITE_FIXTURES"] == "1"

    @Test(.enabled(if: enabled)) func writeFixturesAndVectors() throws {
        let fixtures = Repository.root.appendingPathComponent("Sources/TestSupport/Fixtures")
        let vectors = Repository.root.appendingPathComponent("Tests/ReportFormatTests/Vectors")
        let pair = SealingKeyPair()
        var file = try pair.wrap(passphrase: Passphrase(TestKeys.passphrase), parameters: .testOnlyInteractive)
        file.label = "TEST ONLY: the passphrase is public in Sources/TestSupport; never seal real reports to this key"
        try file.fileText.write(to: fixtures.appendingPathComponent("test-only.key"), atomically: true, encoding: .utf8)
        let publicText =
            "# TEST ONLY: never seal real reports to this key\n" + pair.publicKey.fileText
        try publicText.write(to: fixtures.appendingPathComponent("test-only.pub"), atomically: true, encoding: .utf8)

        let sealer = ReportSealer(recipient: pair.publicKey)
        let reports: [(String, Report)] = [
            (
                "ru-small",
                Report(
                    language: .ru, receivedHour: "2026-11-20T09:00:00Z", reporter: .studentSelf,
                    what: [.bullying, .cyberbullying], place: .school, timing: .ongoing, inDanger: false,
                    classOrGrade: "7Б", text: "Меня дразнят в классе и пишут гадости в чате.\nЯ боюсь идти в школу.",
                    names: nil, contact: nil)
            ),
            (
                "kk-medium",
                Report(
                    language: .kk, receivedHour: "2026-11-21T14:00:00Z", reporter: .parent, what: [.physical],
                    place: .onTheWay, timing: .thisWeek, inDanger: true, classOrGrade: nil,
                    text: String(
                        repeating: "Балама мектептен қайтып келе жатқанда жоғары сынып оқушылары соқты. ", count: 80),
                    names: "9 сынып оқушылары", contact: "+7 700 000 00 00")
            ),
            (
                "en-other",
                Report(
                    language: .en, receivedHour: "2026-11-22T03:00:00Z", reporter: .staff, what: [.neglect, .other],
                    place: .home, timing: .earlier, inDanger: false, classOrGrade: "3",
                    text: "A pupil often comes to school hungry and in summer clothes.", names: nil, contact: nil)
            ),
        ]
        for (name, report) in reports {
            let envelope = try sealer.seal(report)
            let hex = envelope.bytes.map { String(format: "%02x", $0) }.joined()
            try (hex + "\n").write(
                to: vectors.appendingPathComponent("\(name).envelope.hex"), atomically: true, encoding: .utf8)
            try Data(try report.jsonBytes()).write(to: vectors.appendingPathComponent("\(name).payload.json"))
        }
    }
}
