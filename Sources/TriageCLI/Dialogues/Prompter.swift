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

    /// What a queue screen does next.
    enum QueueOutcome: Equatable {
        /// Open the item with this index (0-based, across all pages).
        case open(Int)
        case quit
        case endOfInput
        /// Another key the screen offers, as its Latin letter.
        case key(Character)
        /// Draw the screen again, with this notice under the list.
        case redraw(String?)
    }

    /// Reads one line at a queue screen (`senim triage`, `senim review`): a number opens that item from whichever
    /// page is shown; `n` and `p` (or → and ←) turn the pages; `?` explains the keys; `q` quits; another key the
    /// screen offers is returned; Enter shows the screen again. Every letter also works as the Cyrillic letter in its place.
    /// `find` turns what was typed into an item's index when it names one another way (a report's ID shown on the
    /// screen, an entry's number).
    func queue(_ keys: Keys, pager: inout Pager, find: (String) -> Int? = { _ in nil }) -> QueueOutcome {
        guard let typed = line(keys.prompt()) else { return .endOfInput }
        let trimmed = typed.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 4, let index = find(trimmed.lowercased()) { return .open(index) }
        switch Keyboard.read(typed) {
        case .empty, .ignored, .arrow(.up), .arrow(.down):
            return .redraw(nil)
        case .number(let n):
            guard n >= 1, n <= pager.count else {
                return .redraw(m("queue.no_such_item", ["number": "\(n)", "count": "\(pager.count)"]))
            }
            return .open(n - 1)
        case .key("n"), .arrow(.right):
            return .redraw(pager.next() ? nil : m("queue.last_page"))
        case .key("p"), .arrow(.left):
            return .redraw(pager.previous() ? nil : m("queue.first_page"))
        case .key("q"):
            return .quit
        case .key("?"):
            return .redraw(keys.help().joined(separator: "\n"))
        case .key(let key) where keys.offers(key):
            return .key(key)
        default:
            return .redraw(m("prompt.invalid"))
        }
    }

    /// The keys of a queue screen whose list has `pager`'s pages: `extra` before help, and `q` saying `quit`.
    func queueKeys(
        _ pager: Pager, number: String = "key.open", extra: [Keys.Action] = [], quit: String = "key.quit"
    ) -> Keys {
        var actions: [Keys.Action] = []
        if pager.pages > 1 {
            actions += [Keys.Action(key: "n", label: "key.next"), Keys.Action(key: "p", label: "key.previous")]
        }
        actions += extra + [Keys.Action(key: "?", label: "key.help"), Keys.Action(key: "q", label: quit)]
        return Keys(m: m, actions: actions, number: pager.count > 0 ? number : nil, paged: pager.pages > 1)
    }

    /// Reads one line at a screen with `keys`: the Latin letter of the key chosen, `?`'s help, or nil at the end
    /// of input. Enter, arrows and other escape sequences give `.redraw(nil)`.
    enum ScreenOutcome: Equatable {
        case key(Character)
        case redraw(String?)
        case endOfInput
    }

    func screen(_ keys: Keys) -> ScreenOutcome {
        guard let typed = line(keys.prompt()) else { return .endOfInput }
        switch Keyboard.read(typed) {
        case .empty, .ignored, .arrow: return .redraw(nil)
        case .key("?"): return .redraw(keys.help().joined(separator: "\n"))
        case .key(let key) where keys.offers(key): return .key(key)
        default: return .redraw(m("prompt.invalid"))
        }
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
            guard let answer = answer("› \(m("prompt.choose"))\(shown): ") else { return value }
            if answer.isEmpty { return value }
            if answer == "?" {
                print(m("prompt.help_choose"))
                continue
            }
            if let n = Keyboard.number(answer), (1...all.count).contains(n) { return all[n - 1] }
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
            guard let answer = answer("› \(m("prompt.choose_many"))\(shown): ") else { return values }
            if answer.isEmpty, !values.isEmpty { return values }
            if answer == "?" {
                print(m("prompt.help_choose_many"))
                continue
            }
            // On the Kazakh layout the comma is the 6 key: numbers typed there are separated by spaces.
            let kazakhDigits = answer.contains { !$0.isASCII && Keyboard.kazakhNumberRow[$0] != nil }
            let parts = answer.split(whereSeparator: { $0 == " " || (!kazakhDigits && $0 == ",") }).map(String.init)
            let chosen = parts.compactMap { part -> T? in
                if let n = Keyboard.number(part), (1...all.count).contains(n) { return all[n - 1] }
                return T(rawValue: part)
            }
            if !chosen.isEmpty, chosen.count == parts.count { return chosen }
            print(m("prompt.invalid"))
        }
    }

    /// A whole number, at least 0.
    func count(_ question: String, default value: Int) -> Int {
        while true {
            guard let answer = answer("\(question) [\(value)]: ") else { return value }
            if answer.isEmpty { return value }
            if let n = Keyboard.number(answer), n >= 0, n < 10_000 { return n }
            print(m("prompt.invalid_count"))
        }
    }

    /// Free text; Enter keeps the default.
    func text(_ question: String, default value: String?) -> String? {
        let shown = value.map { " [\(Presentation.firstLine($0, width: 30))]" } ?? ""
        guard let answer = line("\(question)\(shown): ") else { return value }
        return answer.isEmpty ? value : answer
    }

    /// Yes or no; `?` explains the keys, arrow keys are ignored.
    func confirm(_ question: String) -> Bool {
        let yes = m("answer.yes_key")
        while true {
            guard let answer = answer("\(question) [\(yes)/\(m("answer.no_key"))]: ") else { return false }
            if answer == "?" {
                print(m("prompt.help_confirm", ["yes": yes, "no": m("answer.no_key")]))
                continue
            }
            let lowered = answer.lowercased()
            return lowered == yes.lowercased() || lowered == "y" || lowered == "yes"
        }
    }

    /// A line typed as an answer, without escape sequences and spaces around it; nil at the end of input. A line
    /// of nothing but escape sequences (an arrow key) is asked again, silently.
    func answer(_ prompt: String) -> String? {
        while true {
            guard let typed = line(prompt) else { return nil }
            var arrows: [Keyboard.Arrow] = []
            let text = Keyboard.strippingEscapes(typed, arrows: &arrows).trimmingCharacters(in: .whitespaces)
            if text.isEmpty, typed.contains("\u{1B}") { continue }
            return text
        }
    }
}
