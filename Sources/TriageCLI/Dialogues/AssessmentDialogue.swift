import Foundation
import Journal

/// The risk protocol of item 33 (Annex 8) asked at the terminal. Every question in order; the back key returns to
/// the question before; after the last, every answer is shown on one screen (paged), where any can be changed by
/// its number, and nothing is stored until the person saves. A "no" at the end loses nothing: it comes back here.
struct AssessmentDialogue {
    let prompter: Prompter
    var m: Messages { prompter.m }

    /// Every question, in protocol order: risk 1–22, vulnerability 1–11, protective 1–10.
    static let questions: [FactorID] = FactorGroup.allCases.flatMap { group in
        group.items.map { FactorID(group, $0) }
    }

    /// Rows kept on the answers screen for its heading, position, notice and prompt.
    static let reservedRows = 8

    /// The answer keys of the session's language: its own letters (и/ж, д/н) and the Latin y and n, which work in
    /// any session; the back key is Latin b and, in Kazakh and Russian, a Cyrillic letter that is no answer there.
    var yesKeys: Set<String> { ["y", "yes", m("answer.yes_key").lowercased()] }
    var noKeys: Set<String> { ["n", "no", m("answer.no_key").lowercased()] }
    var backKeys: Set<String> { ["b", m("assess.key_back").lowercased()] }

    /// What a question's prompt offers.
    var answerPrompt: String {
        m(
            "assess.answer_prompt",
            ["yes": m("answer.yes_key"), "no": m("answer.no_key"), "back": m("assess.key_back")])
    }

    /// What one question's answer turned into.
    enum Step {
        case answered
        case back
        case endOfInput
    }

    /// Asks question `id`, with the answer it has now shown; stores the answer in `given`.
    func ask(_ id: FactorID, number: Int, into given: inout ProtocolAnswers) -> Step {
        if let heading = AssessCommand.heading(before: id.group, id.item) { print("\n" + m(heading)) }
        let now = given[id]
        let current =
            now.answer == .unknown && now.note == nil
            ? "" : " " + m("assess.current", ["answer": answerWord(now.answer)])
        print(
            "\(String(format: "%2d", number))/\(Self.questions.count) · \(String(format: "%2d", id.item)). "
                + m("protocol.\(id.group.rawValue).\(id.item)") + current)
        while true {
            guard let text = prompter.line(answerPrompt) else { return .endOfInput }
            var arrows: [Keyboard.Arrow] = []
            let typed = Keyboard.strippingEscapes(text, arrows: &arrows).trimmingCharacters(in: .whitespaces)
                .lowercased()
            if typed.isEmpty, arrows.last == .left || arrows.last == .up { return .back }
            if typed.isEmpty, !arrows.isEmpty || text.contains("\u{1B}") { continue }  // other keys: ignored
            let answer: FactorAnswer
            switch typed {
            case "": answer = .unknown
            case let key where yesKeys.contains(key): answer = .yes
            case let key where noKeys.contains(key): answer = .no
            case let key where backKeys.contains(key): return .back
            case "?":
                let keys = ["yes": m("answer.yes_key"), "no": m("answer.no_key"), "back": m("assess.key_back")]
                print(Terminal.fold(m("assess.help", keys)))
                continue
            default:
                print(m("prompt.invalid"))
                continue
            }
            var note: String?
            if answer == .yes {
                let kept = now.answer == .yes ? now.note : nil
                var prompt = m("assess.note_prompt")
                if let kept, prompt.hasSuffix(": ") {
                    // Enter keeps the note given before, shown in brackets.
                    prompt = String(prompt.dropLast(2)) + " [\(Presentation.firstLine(kept, width: 30))]: "
                }
                guard let text = prompter.line(prompt) else { return .endOfInput }
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                note = trimmed.isEmpty ? kept : trimmed
            }
            given[id] = ProtocolAnswers.Given(answer, note: note)
            return .answered
        }
    }

    /// Asks every question from the first, the back key stepping back; nil at the end of input.
    func askAll(_ given: inout ProtocolAnswers) -> Bool {
        var index = 0
        while index < Self.questions.count {
            switch ask(Self.questions[index], number: index + 1, into: &given) {
            case .answered: index += 1
            case .back:
                if index == 0 { print(m("assess.first_question")) } else { index -= 1 }
            case .endOfInput: return false
            }
        }
        return true
    }

    /// What the person decided on the answers screen.
    enum Review {
        case save
        case leave
        case endOfInput
    }

    /// Every answer on one screen, paged; a number asks that question again, `s` goes on to the proposal and
    /// saving, `q` leaves without saving after a confirmation.
    func review(_ given: inout ProtocolAnswers, notice first: String? = nil) -> Review {
        var pager = Pager(
            count: Self.questions.count,
            pageSize: Pager.pageSize(rows: Terminal.size.rows, reserved: Self.reservedRows))
        var notice = first
        while true {
            let keys = prompter.queueKeys(
                pager, number: "key.change", extra: [Keys.Action(key: "s", label: "key.save")], quit: "key.leave")
            Terminal.clear()
            print(Terminal.fit(m("assess.review_heading")))
            print(Terminal.rule)
            for index in pager.range { print(line(Self.questions[index], number: index + 1, given: given)) }
            print(Terminal.rule)
            if pager.pages > 1 { print(pager.position(m)) }
            if let notice { print(Terminal.fold(notice)) }
            notice = nil
            switch prompter.queue(keys, pager: &pager) {
            case .open(let index):
                Terminal.clear()
                if ask(Self.questions[index], number: index + 1, into: &given) == .endOfInput { return .endOfInput }
            case .redraw(let message): notice = message
            case .key: return .save
            case .quit: if prompter.confirm(m("assess.confirm_leave")) { return .leave }
            case .endOfInput: return .endOfInput
            }
        }
    }

    /// One row of the answers screen: "13. yes — the question… (note)".
    func line(_ id: FactorID, number: Int, given: ProtocolAnswers) -> String {
        let answer = given[id]
        let mark =
            switch answer.answer {
            case .yes: "+"
            case .no: "−"
            case .unknown: "?"
            }
        let head = "\(String(format: "%2d", number)) \(mark) \(answerWord(answer.answer)) · "
        return Terminal.fit(head + m("protocol.\(id.group.rawValue).\(id.item)"))
    }

    func answerWord(_ answer: FactorAnswer) -> String {
        switch answer {
        case .yes: m("answer.yes")
        case .no: m("answer.no")
        case .unknown: m("answer.unknown")
        }
    }
}
