import Foundation
import ReportFormat

/// Why the web folder could not be loaded.
public enum WebFolderError: Error, CustomStringConvertible {
    case missingStrings(language: String, path: String)
    case malformedStrings(language: String, reason: String)
    case missingKeys(language: String, keys: [String])
    case templates(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingStrings(let language, let path): "no strings file for \(language) at \(path)"
        case .malformedStrings(let language, let reason): "the \(language) strings file is not valid: \(reason)"
        case .missingKeys(let language, let keys):
            "the \(language) strings file lacks \(keys.count) keys: \(keys.prefix(5).joined(separator: ", "))"
        case .templates(let path, let reason): "cannot load templates from \(path): \(reason)"
        }
    }
}

/// The per-language strings of every page, loaded from `Web/strings/<lang>.json`.
public struct Strings: Sendable {
    private let tables: [Language: [String: String]]

    /// Loads all three languages; every file must have the same keys as the Kazakh one.
    public init(directory: URL) throws {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = directory.appendingPathComponent("\(language.rawValue).json")
            guard let data = try? Data(contentsOf: url) else {
                throw WebFolderError.missingStrings(language: language.rawValue, path: url.path)
            }
            do {
                tables[language] = try JSONDecoder().decode([String: String].self, from: data)
            } catch {
                throw WebFolderError.malformedStrings(language: language.rawValue, reason: "\(error)")
            }
        }
        let reference = Set(tables[.kk]!.keys)
        for language in Language.allCases {
            let missing = reference.subtracting(tables[language]!.keys).sorted()
            if !missing.isEmpty { throw WebFolderError.missingKeys(language: language.rawValue, keys: missing) }
        }
        self.tables = tables
    }

    /// The whole table of one language (for templates).
    public func table(_ language: Language) -> [String: String] { tables[language]! }

    /// One string; the key itself if it is missing, so a gap is visible, never a crash.
    public func text(_ key: String, _ language: Language) -> String {
        tables[language]?[key] ?? key
    }
}

/// Picks the language of a page.
public enum LanguageNegotiation {
    /// `?lang=` first, then `Accept-Language` by quality, then Kazakh.
    public static func choose(query: String?, acceptLanguage: String?) -> Language {
        if let query, let language = Language(rawValue: query.lowercased()) { return language }
        if let acceptLanguage { return fromAcceptLanguage(acceptLanguage) ?? .kk }
        return .kk
    }

    /// The best supported language of an `Accept-Language` header, if any.
    public static func fromAcceptLanguage(_ header: String) -> Language? {
        var best: (Language, Double)?
        for (position, item) in header.split(separator: ",").prefix(32).enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased() else { continue }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard let language = Language(rawValue: primary) else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0 else { continue }
            // Earlier entries win ties.
            let score = quality - Double(position) * 1e-6
            if best == nil || score > best!.1 { best = (language, score) }
        }
        return best?.0
    }
}
