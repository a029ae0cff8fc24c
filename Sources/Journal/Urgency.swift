import Foundation
import ReportFormat

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

    /// Parses lists from their text.
    public init(lists: [String]) {
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

    /// A text as lowercased Unicode scalars (ё read as е) and the ranges of its words.
    ///
    /// Pull runs this over every report it collects, so it works on scalars through lookup
    /// tables for the Latin and Cyrillic blocks (Kazakh letters included) and makes no string
    /// per word; grapheme-level `String` handling cost more than opening the sealed box.
    struct Scalars {
        var scalars: [UInt32] = []
        var words: [Range<Int>] = []

        static let tableSize = 0x530
        static let lower: [UInt32] = (0..<UInt32(tableSize)).map { value in
            guard let scalar = Unicode.Scalar(value) else { return value }
            let mapped = scalar.properties.lowercaseMapping.unicodeScalars
            let lowered = mapped.count == 1 ? mapped.first!.value : value
            return lowered == 0x451 ? 0x435 : lowered
        }
        static let isWord: [Bool] = (0..<UInt32(tableSize)).map { value in
            guard let scalar = Unicode.Scalar(value) else { return false }
            return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }

        init(_ text: String) {
            scalars.reserveCapacity(text.utf8.count)
            var start: Int?
            for scalar in text.unicodeScalars {
                let value = scalar.value
                let word: Bool
                let lowered: UInt32
                if value < UInt32(Self.tableSize) {
                    word = Self.isWord[Int(value)]
                    lowered = Self.lower[Int(value)]
                } else {
                    word = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                    let mapped = scalar.properties.lowercaseMapping.unicodeScalars
                    lowered = mapped.count == 1 ? mapped.first!.value : value
                }
                if word {
                    if start == nil { start = scalars.count }
                    scalars.append(lowered)
                } else if let begun = start {
                    words.append(begun..<scalars.count)
                    start = nil
                }
            }
            if let begun = start { words.append(begun..<scalars.count) }
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

    /// Every reason a report is urgent, in a fixed order.
    public func reasons(for report: Report) -> [UrgencyReason] {
        var found = reasons(in: [report.text, report.names ?? ""].joined(separator: "\n"))
        if report.inDanger { found.insert(.dangerNow) }
        if report.what.contains(.selfHarm) { found.insert(.selfHarm) }
        if report.what.contains(.sexual) { found.insert(.sexualViolence) }
        return found.sorted()
    }
}
