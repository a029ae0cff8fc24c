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
        /// Each word, and whether it must match exactly (written with a trailing `$`).
        let words: [(String, Bool)]
        let reason: UrgencyReason
    }

    let patterns: [Pattern]

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
                let words = line.split(separator: " ").flatMap { token -> [(String, Bool)] in
                    let exact = token.hasSuffix("$")
                    return Self.words(String(exact ? token.dropLast() : token)).map { ($0, exact) }
                }
                if !words.isEmpty { patterns.append(Pattern(words: words, reason: reason)) }
            }
        }
        self.patterns = patterns
    }

    /// Lowercased words of a text (letters and digits only).
    static func words(_ text: String) -> [String] {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// The word-list reasons a text raises.
    public func reasons(in text: String) -> Set<UrgencyReason> {
        let words = Self.words(text)
        var found: Set<UrgencyReason> = []
        guard !words.isEmpty else { return found }
        for pattern in patterns where !found.contains(pattern.reason) {
            let n = pattern.words.count
            guard words.count >= n else { continue }
            for start in 0...(words.count - n)
            where (0..<n).allSatisfy({ index in
                let (word, exact) = pattern.words[index]
                return exact ? words[start + index] == word : words[start + index].hasPrefix(word)
            }) {
                found.insert(pattern.reason)
                break
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
