import Foundation

/// What a person types at a screen of an interactive session, read the same whichever keyboard layout is on.
///
/// The lead and the director often type with a Kazakh or Russian layout. Both share the ЙЦУКЕН letter rows, so
/// each action's key is a Latin letter *and* the Cyrillic letter in the same place (`g` and `п`, `q` and `й`), and
/// the session shows the one of its language. The Kazakh layout (KazSSR 903-90, as xkb's `kz` has it) puts Kazakh
/// letters on the number row (`"`, `ә`, `і`, `ң`, `ғ`, `,`, `.`, `ү`, `ұ`, `қ` for 1–0): they are read as digits
/// wherever a number is asked. Arrow keys and other escape sequences are recognised and never taken as text.
enum Keyboard {
    /// Each ЙЦУКЕН letter and the Latin (QWERTY) key in its place.
    static let latinOfCyrillic: [Character: Character] = [
        "й": "q", "ц": "w", "у": "e", "к": "r", "е": "t", "н": "y", "г": "u", "ш": "i", "щ": "o", "з": "p",
        "ф": "a", "ы": "s", "в": "d", "а": "f", "п": "g", "р": "h", "о": "j", "л": "k", "д": "l",
        "я": "z", "ч": "x", "с": "c", "м": "v", "и": "b", "т": "n", "ь": "m",
    ]

    /// The Cyrillic letter in the place of each Latin key.
    static let cyrillicOfLatin: [Character: Character] = Dictionary(
        uniqueKeysWithValues: latinOfCyrillic.map { ($0.value, $0.key) })

    /// The Kazakh layout's number row, 1 to 0.
    static let kazakhNumberRow: [Character: Character] = [
        "\"": "1", "ә": "2", "і": "3", "ң": "4", "ғ": "5", ",": "6", ".": "7", "ү": "8", "ұ": "9", "қ": "0",
    ]

    enum Arrow: Equatable, Sendable { case up, down, left, right }

    /// One line typed at a menu.
    enum Input: Equatable, Sendable {
        /// Enter alone.
        case empty
        /// A whole number, typed with digits or the Kazakh number row.
        case number(Int)
        /// One key, as its Latin letter (or `?`).
        case key(Character)
        /// Only arrow keys (the last one counts).
        case arrow(Arrow)
        /// Only escape sequences that mean nothing here (function keys, Home, …).
        case ignored
        /// Anything else.
        case other(String)
    }

    /// Reads a line typed at a menu.
    static func read(_ typed: String) -> Input {
        var arrows: [Arrow] = []
        let text = strippingEscapes(typed, arrows: &arrows).trimmingCharacters(in: .whitespaces).lowercased()
        if text.isEmpty {
            if let last = arrows.last { return .arrow(last) }
            return typed.contains("\u{1B}") ? .ignored : .empty
        }
        if let number = number(text) { return .number(number) }
        if text.count == 1, let only = text.first {
            if only == "?" { return .key("?") }
            if only.isASCII, only.isLetter { return .key(only) }
            if let latin = latinOfCyrillic[only] { return .key(latin) }
        }
        switch text {
        case "quit", "exit": return .key("q")
        case "help": return .key("?")
        default: return .other(text)
        }
    }

    /// The number typed, if the text is only digits (ASCII or the Kazakh number row) and fits.
    static func number(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 6 else { return nil }
        var digits = ""
        for character in trimmed {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let digit = kazakhNumberRow[character] {
                digits.append(digit)
            } else {
                return nil
            }
        }
        return Int(digits)
    }

    /// The text with every escape sequence removed; the arrow keys among them are collected.
    static func strippingEscapes(_ typed: String, arrows: inout [Arrow]) -> String {
        var out = ""
        var scalars = typed.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                // Other control characters (a stray Tab, Ctrl-letters) are not text either.
                if scalar.properties.generalCategory != .control { out.unicodeScalars.append(scalar) }
                continue
            }
            // ESC [ params final, or ESC O final (arrow keys in application mode), or ESC and one character.
            guard let introducer = scalars.next() else { break }
            guard introducer == "[" || introducer == "O" else { continue }
            while let next = scalars.next() {
                if ("@"..."~").contains(next) {
                    switch next {
                    case "A": arrows.append(.up)
                    case "B": arrows.append(.down)
                    case "C": arrows.append(.right)
                    case "D": arrows.append(.left)
                    default: break
                    }
                    break
                }
            }
        }
        return out
    }

    /// How a key is shown in a session of this language: the Cyrillic letter in its place for Kazakh and Russian.
    static func label(_ latin: Character, language: String) -> String {
        guard language != "en", let cyrillic = cyrillicOfLatin[latin] else { return String(latin) }
        return String(cyrillic)
    }
}
