import Foundation

/// The one place where text goes to the lead's terminal: whatever came from a report, the spool or the network is
/// shown, never obeyed (issue 13: an intake that is not trusted could send escape sequences that retitle, clear or
/// hide part of the screen, making "someone has a knife" invisible).
///
/// C0 controls but newline and tab, DEL, C1 controls (U+0080–U+009F: U+009B is CSI), the bidi overrides and
/// isolates that reorder what is shown (U+202A–U+202E, U+2066–U+2069) and U+FEFF are written as `\uXXXX`: visible in
/// text, and in `--json` output the same JSON escape that the character itself would decode to.
enum TerminalText {
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0xFEFF: true
        default: false
        }
    }

    /// `text` with every unsafe scalar written as `\uXXXX`.
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                out.append(scalar)
                continue
            }
            out.append(contentsOf: "\\u".unicodeScalars)
            for shift in stride(from: 12, through: 0, by: -4) {
                out.append(digits[Int(scalar.value >> UInt32(shift)) & 0xF])
            }
        }
        return String(out)
    }

    /// Writes `text` to standard output or error, made safe.
    static func write(_ text: String, to handle: FileHandle = .standardOutput) {
        handle.write(Data(safe(text).utf8))
    }
}

/// Every `print` in this module goes through `TerminalText`: a report's words cannot reach the terminal raw by
/// a print that forgot to escape them.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    TerminalText.write(items.map { "\($0)" }.joined(separator: separator) + terminator)
}
