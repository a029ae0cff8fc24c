import ArgumentParser
import Foundation
import Journal
import ReportFormat
import SafetyKeys

/// Printing JSON for `--json`.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        // JSONEncoder leaves C1 controls and bidi overrides raw; `TerminalText` writes them as JSON escapes.
        TerminalText.write(String(decoding: data, as: UTF8.self) + "\n")
    }
}
