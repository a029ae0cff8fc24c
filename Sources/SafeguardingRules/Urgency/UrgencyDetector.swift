import Foundation

/// Finds what makes a report urgent: the reporter's answers, and words about suicide,
/// self-harm, weapons or sexual abuse in Kazakh, Russian or English.
///
/// The word lists are data (`Resources/urgency/<lang>.txt`): one stem or phrase per line,
/// under a `[category]` heading. A stem matches any word that starts with it, so one line
/// covers a word's many Kazakh and Russian endings; a word written with a trailing `$`
/// matches only itself; a phrase (with spaces) matches the same words in order.
public struct UrgencyDetector: Sendable {
    struct Pattern: Sendable {
        /// Each word as lowercased scalars, and whether it must match exactly (a trailing `$`).
        let words: [([UInt32], Bool)]
        let reason: UrgencyReason
    }

    let patterns: [Pattern]
    /// The lists' texts, so that a school's own list can be added to them.
    let lists: [String]
    /// Patterns by the first two scalars of their first word (one for one-letter words),
    /// so each word of a text is checked against a handful of patterns, not all of them.
    let index: [UInt64: [Int]]

    /// The lists shipped with Senim.
    public static let shared: UrgencyDetector = {
        // Foundation on Linux treats a bundle's `Resources` folder as its resource folder.
        let root = Bundle.module.resourceURL!
        let candidates = [root.appendingPathComponent("urgency"), root.appendingPathComponent("Resources/urgency")]
        guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            fatalError("senim: the urgency word lists are missing from \(root.path); reinstall senim")
        }
        do {
            return try UrgencyDetector(directory: url)
        } catch {
            fatalError("senim: cannot read the urgency word lists in \(url.path): \(error)")
        }
    }()

    /// Loads every `*.txt` list in a folder.
    public init(directory: URL) throws {
        var texts: [String] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }
        for name in names.sorted() {
            texts.append(try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
        self.init(lists: texts)
    }

    /// These lists and a school's own (`urgency.txt` in its journal folder, in the same format).
    public func adding(_ list: String) -> UrgencyDetector { UrgencyDetector(lists: lists + [list]) }

    /// The lists shipped with Senim, and the journal folder's `urgency.txt` when there is one.
    public static func forJournal(directory: URL) throws -> UrgencyDetector {
        let own = directory.appendingPathComponent("urgency.txt")
        guard FileManager.default.fileExists(atPath: own.path) else { return shared }
        guard let text = String(data: try Data(contentsOf: own), encoding: .utf8) else {
            throw UrgencyFileError.notUTF8(path: own.path)
        }
        return shared.adding(text)
    }

    /// Parses lists from their text.
    public init(lists: [String]) {
        self.lists = lists
        var patterns: [Pattern] = []
        for text in lists {
            var reason: UrgencyReason?
            for raw in text.split(whereSeparator: \.isNewline) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                if line.hasPrefix("["), line.hasSuffix("]") {
                    reason = UrgencyReason(rawValue: "words-" + line.dropFirst().dropLast())
                    continue
                }
                guard let reason else { continue }
                let words = line.split(separator: " ").flatMap { token -> [([UInt32], Bool)] in
                    let exact = token.hasSuffix("$")
                    let text = Scalars(String(exact ? token.dropLast() : token))
                    return text.words.map { (Array(text.scalars[$0]), exact) }
                }
                if !words.isEmpty { patterns.append(Pattern(words: words, reason: reason)) }
            }
        }
        self.patterns = patterns
        var index: [UInt64: [Int]] = [:]
        for (position, pattern) in patterns.enumerated() {
            let first = pattern.words[0].0
            index[Self.key(first[...], length: min(2, first.count)), default: []].append(position)
        }
        self.index = index
    }

    /// The index key of a word: its first one or two scalars.
    static func key(_ word: ArraySlice<UInt32>, length: Int) -> UInt64 {
        let first = UInt64(word[word.startIndex])
        if length == 1 { return first }
        return first << 21 | UInt64(word[word.startIndex + 1]) | 1 << 63
    }

    /// A text as lowercased Unicode scalars (ё read as е) and the ranges of its words, normalised so that what
    /// looks like a listed word matches it (issue 13 §5): compatibility forms (fullwidth letters, ligatures) as
    /// their letters (NFKD), invisible characters (soft hyphen, zero-width space and joiners, variation selectors)
    /// dropped without breaking the word, combining marks dropped (an accent added to a Cyrillic vowel; a Latin
    /// letter's diacritic, so that Kazakh Latin "öltir" and the informal "oltir" read alike), and in a word of two
    /// scripts the other script's look-alikes read as the word's own (a Latin "o" in "нoж"). Lists and texts go
    /// through the same reading. The Kazakh letters ә ғ қ ң ө ұ ү һ і have no decomposition, and the breve of й is
    /// put back, so folding never merges two Kazakh or Russian letters.
    ///
    /// Pull runs this over every report it collects, so it works on scalars through lookup
    /// tables for the Latin and Cyrillic blocks (Kazakh letters included) and makes no string
    /// per word; grapheme-level `String` handling cost more than opening the sealed box. Only a text with a
    /// scalar outside those blocks (or a soft hyphen) is normalised first.
    struct Scalars {
        var scalars: [UInt32] = []
        var words: [Range<Int>] = []

        static let tableSize = 0x530
        static let lower: [UInt32] = (0..<UInt32(tableSize)).map { value in
            guard let scalar = Unicode.Scalar(value) else { return value }
            let mapped = scalar.properties.lowercaseMapping.unicodeScalars
            let lowered = mapped.count == 1 ? mapped.first!.value : value
            if lowered == 0x451 { return 0x435 }
            // A Latin letter with a diacritic as its base letter (é as e, ö as o), as the slow path reads it.
            if value >= 0xC0, value < 0x250, let base = latinBase(lowered) { return base }
            return lowered
        }

        /// The base letter of a Latin letter with diacritics (NFKD, then the marks dropped), if it has one.
        static func latinBase(_ value: UInt32) -> UInt32? {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            let parts = Array(String(Character(scalar)).decomposedStringWithCompatibilityMapping.unicodeScalars)
            guard parts.count > 1, parts.dropFirst().allSatisfy(isMark) else { return nil }
            return parts[0].value
        }

        static func isMark(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: true
            default: false
            }
        }
        static let isWord: [Bool] = (0..<UInt32(tableSize)).map { value in
            guard let scalar = Unicode.Scalar(value) else { return false }
            return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }

        /// Lowercase Latin letters and the Cyrillic ones that look the same (і is the Kazakh letter).
        static let lookAlikes: [(latin: UInt32, cyrillic: UInt32)] = [
            (0x61, 0x430), (0x62, 0x432), (0x63, 0x441), (0x65, 0x435), (0x68, 0x43D), (0x69, 0x456), (0x6B, 0x43A),
            (0x6D, 0x43C), (0x6F, 0x43E), (0x70, 0x440), (0x74, 0x442), (0x78, 0x445), (0x79, 0x443),
        ]
        static let toCyrillic = Dictionary(uniqueKeysWithValues: lookAlikes.map { ($0.latin, $0.cyrillic) })
        static let toLatin = Dictionary(uniqueKeysWithValues: lookAlikes.map { ($0.cyrillic, $0.latin) })

        /// Whether a text needs normalising before the fast reading: a scalar outside Latin-1, Latin Extended and
        /// Cyrillic, or a soft hyphen.
        static func needsNormalising(_ text: String) -> Bool {
            text.unicodeScalars.contains { scalar in
                let value = scalar.value
                return value == 0xAD || (value >= 0x300 && value < 0x400) || value >= UInt32(tableSize)
            }
        }

        init(_ text: String) {
            let text = Self.needsNormalising(text) ? text.decomposedStringWithCompatibilityMapping : text
            scalars.reserveCapacity(text.utf8.count)
            var start: Int?
            for scalar in text.unicodeScalars {
                let value = scalar.value
                let word: Bool
                let lowered: UInt32
                if value == 0xAD {
                    continue
                } else if value < 0x300 || (value >= 0x400 && value < UInt32(Self.tableSize)) {
                    word = Self.isWord[Int(value)]
                    lowered = Self.lower[Int(value)]
                } else {
                    let properties = scalar.properties
                    // Invisible: not there, and not a break.
                    if properties.isDefaultIgnorableCodePoint { continue }
                    if Self.isMark(scalar) {
                        // The breve that makes и into й is part of a Russian and Kazakh letter; every other mark
                        // (an accent, the diaeresis of ё or of a decomposed Latin letter) goes.
                        if value == 0x306, start != nil, scalars.last == 0x438 { scalars[scalars.count - 1] = 0x439 }
                        continue
                    }
                    word = properties.isAlphabetic || properties.numericType != nil
                    let mapped = properties.lowercaseMapping.unicodeScalars
                    lowered = mapped.count == 1 ? mapped.first!.value : value
                }
                if word {
                    if start == nil { start = scalars.count }
                    scalars.append(lowered)
                } else if let begun = start {
                    endWord(begun)
                    start = nil
                }
            }
            if let begun = start { endWord(begun) }
        }

        /// Records a word, reading a minority script's look-alikes as the majority's.
        private mutating func endWord(_ begun: Int) {
            let range = begun..<scalars.count
            var latin = 0
            var cyrillic = 0
            for value in scalars[range] {
                if value >= 0x61 && value <= 0x7A {
                    latin += 1
                } else if value >= 0x430 && value < 0x530 {
                    cyrillic += 1
                }
            }
            if latin > 0 && cyrillic > 0 {
                let map = cyrillic >= latin ? Self.toCyrillic : Self.toLatin
                for index in range { if let other = map[scalars[index]] { scalars[index] = other } }
            }
            words.append(range)
        }
    }

    /// The word-list reasons a text raises.
    public func reasons(in text: String) -> Set<UrgencyReason> {
        let parsed = Scalars(text)
        let scalars = parsed.scalars
        let words = parsed.words
        var found: Set<UrgencyReason> = []
        for start in words.indices {
            let word = scalars[words[start]]
            var candidates = index[Self.key(word, length: 1)] ?? []
            if word.count > 1, let more = index[Self.key(word, length: 2)] { candidates += more }
            for position in candidates {
                let pattern = patterns[position]
                guard !found.contains(pattern.reason), start + pattern.words.count <= words.count else { continue }
                let matches = pattern.words.enumerated().allSatisfy { offset, part in
                    let candidate = scalars[words[start + offset]]
                    return part.1 ? candidate.elementsEqual(part.0) : candidate.starts(with: part.0)
                }
                if matches { found.insert(pattern.reason) }
            }
        }
        return found
    }

}

/// A school's `urgency.txt` Senim cannot read as text.
public enum UrgencyFileError: Error, Equatable {
    /// Saved in another encoding (Windows-1251, UTF-16) than UTF-8.
    case notUTF8(path: String)
}
