import Foundation
import ReportFormat

/// The localised messages of the `senim` command, from `Resources/<lang>.json`.
public struct Messages: Sendable {
    /// The language messages are written in.
    public let language: Language
    private let table: [String: String]

    public init(language: Language) {
        self.language = language
        let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Resources")
        let data = url.flatMap { try? Data(contentsOf: $0) }
        self.table = data.flatMap { try? JSONDecoder().decode([String: String].self, from: $0) } ?? [:]
    }

    /// The language from `SENIM_LANG`, then the locale variables, else English.
    public static func languageFromEnvironment(_ environment: [String: String]) -> Language {
        if let explicit = environment["SENIM_LANG"].flatMap(Language.init(rawValue:)) { return explicit }
        for variable in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[variable], !value.isEmpty else { continue }
            return Language(rawValue: String(value.prefix(2)).lowercased()) ?? .en
        }
        return .en
    }

    /// The message for `key` with `{name}` placeholders filled in.
    public func callAsFunction(_ key: String, _ values: [String: String] = [:]) -> String {
        let template = table[key] ?? key
        return values.isEmpty ? template : Self.fill(template, values)
    }

    /// Replaces each `{name}` whose name has a value, in one pass: a value is never searched for placeholders
    /// itself, and long listings do not pay Foundation's string search for every line.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}"),
                let value = values[String(rest[rest.index(after: open)..<close])]
            else {
                out.append("{")
                rest = rest[rest.index(after: open)...]
                continue
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Whether there is a message for `key`.
    public func has(_ key: String) -> Bool { table[key] != nil }

    /// All keys of a language's table (tests compare the three).
    public var keys: Set<String> { Set(table.keys) }
}

/// An error a person can act on: what happened and what to do, already localised.
public struct CLIError: Error, CustomStringConvertible {
    public let message: String
    public let hint: String?
    /// The exit status: 1 for a failure, 64 for a command line that is not right (misuse).
    public let status: Int32

    public init(_ message: String, hint: String? = nil, status: Int32 = 1) {
        self.message = message
        self.hint = hint
        self.status = status
    }

    public var description: String { message }
}
