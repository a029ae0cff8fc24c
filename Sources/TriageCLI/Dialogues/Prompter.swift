import ArgumentParser
import Foundation
import Journal
import ReportFormat

/// Reads answers typed at the terminal, one line each.
struct Prompter {
    let m: Messages

    /// A line, or nil at end of input.
    func line(_ prompt: String) -> String? {
        // What `print` buffered must reach the screen before the prompt that follows it.
        fflush(nil)
        FileHandle.standardOutput.write(Data(prompt.utf8))
        return readLine(strippingNewline: true)
    }

    /// What was typed at a queue screen (`senim triage`, `senim review`).
    enum QueueChoice: Equatable {
        case quit, refresh, invalid
        /// The item shown with this number (1-based).
        case open(Int)
    }

    /// Asks at a queue screen: `q` quits (as does the end of input), Enter or `r` refreshes, a number among the
    /// `shown` items opens it.
    func queueChoice(_ prompt: String, shown: Int) -> QueueChoice {
        guard let answer = line(prompt)?.trimmingCharacters(in: .whitespaces) else { return .quit }
        switch answer.lowercased() {
        case "q", "quit", m("triage.key_quit"): return .quit
        case "", "r", m("triage.key_refresh"): return .refresh
        default:
            guard let n = Int(answer), n >= 1, n <= shown else { return .invalid }
            return .open(n)
        }
    }

    /// Clears the terminal before a new screen, when output goes to one.
    static func clearScreen() {
        if isatty(STDOUT_FILENO) == 1 { FileHandle.standardOutput.write(Data("\u{1B}[2J\u{1B}[H".utf8)) }
    }

    /// One value of an enumeration, by number or code; Enter keeps the default.
    func choose<T: RawRepresentable<String> & CaseIterable>(
        _ question: String, _ type: T.Type, prefix: String, default value: T?, presentation p: Presentation
    ) -> T? {
        let all = Array(T.allCases)
        print(question)
        for (index, option) in all.enumerated() {
            print("  \(index + 1)) \(p.label(prefix, option.rawValue))")
        }
        while true {
            let shown = value.map { " [\(p.label(prefix, $0.rawValue))]" } ?? ""
            guard let answer = line("› \(m("prompt.choose"))\(shown): ")?.trimmingCharacters(in: .whitespaces) else {
                return value
            }
            if answer.isEmpty { return value }
            if let n = Int(answer), (1...all.count).contains(n) { return all[n - 1] }
            if let found = T(rawValue: answer) { return found }
            print(m("prompt.invalid"))
        }
    }

    /// Several values: numbers or codes separated by commas.
    func chooseMany<T: RawRepresentable<String> & CaseIterable>(
        _ question: String, _ type: T.Type, prefix: String, default values: [T], presentation p: Presentation
    ) -> [T] {
        let all = Array(T.allCases)
        print(question)
        for (index, option) in all.enumerated() {
            print("  \(index + 1)) \(p.label(prefix, option.rawValue))")
        }
        while true {
            let shown =
                values.isEmpty ? "" : " [\(values.map { p.label(prefix, $0.rawValue) }.joined(separator: ", "))]"
            guard let answer = line("› \(m("prompt.choose_many"))\(shown): ")?.trimmingCharacters(in: .whitespaces)
            else { return values }
            if answer.isEmpty, !values.isEmpty { return values }
            let parts = answer.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            let chosen = parts.compactMap { part -> T? in
                if let n = Int(part), (1...all.count).contains(n) { return all[n - 1] }
                return T(rawValue: part)
            }
            if !chosen.isEmpty, chosen.count == parts.count { return chosen }
            print(m("prompt.invalid"))
        }
    }

    /// A whole number, at least 0.
    func count(_ question: String, default value: Int) -> Int {
        while true {
            guard let answer = line("\(question) [\(value)]: ")?.trimmingCharacters(in: .whitespaces) else {
                return value
            }
            if answer.isEmpty { return value }
            if let n = Int(answer), n >= 0, n < 10_000 { return n }
            print(m("prompt.invalid_count"))
        }
    }

    /// Free text; Enter keeps the default.
    func text(_ question: String, default value: String?) -> String? {
        let shown = value.map { " [\(Presentation.firstLine($0, width: 30))]" } ?? ""
        guard let answer = line("\(question)\(shown): ") else { return value }
        return answer.isEmpty ? value : answer
    }

    /// Yes or no.
    func confirm(_ question: String) -> Bool {
        guard let answer = line("\(question) [\(m("answer.yes_key"))/\(m("answer.no_key"))]: ") else { return false }
        let lowered = answer.lowercased()
        return lowered == m("answer.yes_key").lowercased() || lowered == "y" || lowered == "yes"
    }
}
