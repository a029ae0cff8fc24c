#if os(Linux)
    import Foundation
    import ReportFormat
    import TestSupport
    import Testing

    @testable import TriageCLI

    /// What a person types, read the same on the Latin, Russian and Kazakh layouts (issue 15).
    @Suite struct KeyboardLayouts {
        @Test(arguments: [
            ("g", Keyboard.Input.key("g")), ("п", .key("g")), ("П", .key("g")), ("й", .key("q")), ("т", .key("n")),
            ("з", .key("p")), ("и", .key("b")), ("ы", .key("s")), ("с", .key("c")), ("?", .key("?")),
            ("  q  ", .key("q")), ("", .empty), ("29", .number(29)), ("әұ", .number(29)), ("\"қ", .number(10)),
            ("ң", .number(4)), ("\u{1B}[D", .arrow(.left)), ("\u{1B}[C", .arrow(.right)), ("\u{1B}OA", .arrow(.up)),
            ("\u{1B}[15~", .ignored), ("\u{1B}[1;5C", .arrow(.right)), ("ж", .other("ж")), ("gg", .other("gg")),
        ])
        func aLineTypedAtAMenuIsReadTheSameOnEveryLayout(typed: String, expected: Keyboard.Input) {
            #expect(Keyboard.read(typed) == expected)
        }

        @Test func everyLatinLetterHasOneCyrillicPlaceAndBack() {
            #expect(Keyboard.latinOfCyrillic.count == Keyboard.cyrillicOfLatin.count)
            for (cyrillic, latin) in Keyboard.latinOfCyrillic { #expect(Keyboard.cyrillicOfLatin[latin] == cyrillic) }
            #expect(Keyboard.label("g", language: "kk") == "п")
            #expect(Keyboard.label("g", language: "ru") == "п")
            #expect(Keyboard.label("g", language: "en") == "g")
            #expect(Keyboard.label("?", language: "kk") == "?")
        }

        /// On each screen, in each language, every key shown is different, and none is a yes or no of the
        /// confirmations asked there.
        @Test(arguments: ["kk", "ru", "en"])
        func theKeysOfAScreenNeverCollide(language: String) throws {
            let m = Messages(language: try #require(Language(rawValue: language)))
            let prompter = Prompter(m: m)
            let screens: [[Character]] = [
                prompter.queueKeys(Pager(count: 31, pageSize: 12)).actions.map(\.key),
                ["g", "b", "?"], ["s", "c", "b", "?"], ["n", "p", "s", "?", "q"],
            ]
            for keys in screens {
                let shown = keys.map { Keyboard.label($0, language: language) }
                #expect(Set(shown).count == shown.count, "\(shown)")
            }
            let dialogue = AssessmentDialogue(prompter: prompter)
            #expect(dialogue.yesKeys.isDisjoint(with: dialogue.backKeys))
            #expect(dialogue.noKeys.isDisjoint(with: dialogue.backKeys))
            #expect(dialogue.yesKeys.isDisjoint(with: dialogue.noKeys))
        }
    }

    @Suite struct Paging {
        @Test func thirtyOneItemsTwelveAPage() {
            var pager = Pager(count: 31, pageSize: 12)
            let m = Messages(language: .en)
            #expect(pager.pages == 3)
            #expect(pager.range == 0..<12)
            #expect(pager.position(m) == "1–12 of 31")
            let moved1 = pager.previous()
            #expect(!moved1)
            let moved2 = pager.next()
            #expect(moved2)
            #expect(pager.position(m) == "13–24 of 31")
            let moved3 = pager.next()
            #expect(moved3)
            #expect(pager.range == 24..<31)
            let moved4 = pager.next()
            #expect(!moved4)
            #expect(pager.position(Messages(language: .ru)) == "25–31 из 31")
            #expect(pager.position(Messages(language: .kk)) == "31 ішінен 25–31")
            // Fewer items later (a report registered): the page stays in range.
            #expect(pager.resized(to: 13).range == 12..<13)
            #expect(pager.resized(to: 0).range == 0..<0)
        }

        @Test func aTerminalOfAnyHeightGetsAtLeastAFewRows() {
            #expect(Pager.pageSize(rows: 24, reserved: 12) == 12)
            #expect(Pager.pageSize(rows: 10, reserved: 12) == 3)
            #expect(Pager.pageSize(rows: 50, reserved: 12) == 38)
        }

        @Test func aRowNeverWrapsItIsCutWithAnEllipsis() {
            #expect(Terminal.fit("abcdef", width: 4) == "abc…")
            #expect(Terminal.fit("abcd", width: 4) == "abcd")
        }
    }

    /// A queue of 30 reports, each naming its number, pulled into a fresh journal.
    private func journalWithThirtyReports(language: Language = .ru) async throws -> CLIJournal {
        let journal = try CLIJournal(entries: [])
        let reports = (1...30).map { number in
            sampleReport(
                "Отчёт номер \(number): меня обижают, слово-метка-\(number).", language: language,
                hour: String(format: "2026-11-%02dT%02d:00:00Z", 1 + number / 24, number % 24))
        }
        let pulled = try await journal.pull(reports)
        try #require(pulled.status == 0, "\(pulled.stderr)")
        return journal
    }

    /// The word a report of `journalWithThirtyReports` carries, found in the report shown.
    private func markOfReport(shownIn screen: Substring) -> Int? {
        screen.matches(of: #/слово-метка-(\d+)/#).last.flatMap { Int($0.1) }
    }

    @Suite(.serialized) struct TriageQueueAtTheTerminal {
        let english: [String: String]
        let kazakh: [String: String]
        init() throws {
            english = try messageTable("en")
            kazakh = try messageTable("kk")
        }

        @Test func aQueueOfThirtyIsPagedAndItem29OpensFromTheFirstPage() async throws {
            let journal = try await journalWithThirtyReports()
            let run = try TerminalRun(
                ["triage", "--journal", journal.path, "--passphrase-file", journal.secret.path],
                environment: ["COLUMNS": "80", "LINES": "24"], everythingOnTerminal: true)
            var offset = try run.waitFor(try #require(english["key.open"]), after: 0)
            #expect(run.screen.contains("1–12 of 30"))
            #expect(run.screen.contains("n — next page"))

            offset = run.screen.count
            try run.answer("n")
            try run.waitFor("13–24 of 30", after: offset)
            offset = run.screen.count
            try run.answer("\u{1B}[C")  // → turns the page too, and is no "not one of the choices"
            try run.waitFor("25–30 of 30", after: offset)
            #expect(!run.screen.dropFirst(offset).contains(try #require(english["prompt.invalid"])))
            offset = run.screen.count
            try run.answer("n")
            try run.waitFor(try #require(english["queue.last_page"]), after: offset)

            // Back to the first page, then 29 opens the 29th report in queue order.
            try run.answer("p")
            offset = run.screen.count
            try run.answer("p")
            try run.waitFor("1–12 of 30", after: offset)
            let queueScreen = run.screen.dropFirst(offset)
            offset = run.screen.count
            try run.answer("29")
            try run.waitFor(try #require(english["key.register"]), after: offset)
            let opened = try #require(markOfReport(shownIn: run.screen.dropFirst(offset)))
            #expect(!queueScreen.isEmpty)
            // The queue is oldest first among non-urgent reports: report 29 was received 29th.
            #expect(opened == 29, "opened the report marked \(opened)")
            try run.answer("b")
            offset = run.screen.count
            try run.answer("31")
            try run.waitFor("There is no number 31 here", after: offset)
            // The ID shown beside item 5 opens it too.
            let id = try #require(queueScreen.firstMatch(of: #/\s5 [ !] ([0-9a-f]{8}) /#)).1
            offset = run.screen.count
            try run.answer(String(id))
            try run.waitFor(try #require(english["key.register"]), after: offset)
            #expect(markOfReport(shownIn: run.screen.dropFirst(offset)) == 5)
            try run.answer("b")
            run.type("q")
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen)")
        }

        /// A report of 20,000 characters is shown a page at a time, and its heading and URGENT line stay at the top
        /// of every page (issue 16).
        @Test func aLongReportIsPagedWithItsUrgentLineOnEveryPage() async throws {
            let journal = try CLIJournal(entries: [])
            let words = (1...2106).map { "слово\($0)" }.joined(separator: " ")
            let text = "Я хочу покончить с собой. " + words + " конец-сообщения"
            #expect(text.count > 19_900 && text.count <= 20_000, "\(text.count)")
            let pulled = try await journal.pull([sampleReport(text, language: .ru, hour: "2026-11-20T10:00:00Z")])
            try #require(pulled.status == 0, "\(pulled.stderr)")
            let run = try TerminalRun(
                ["triage", "--journal", journal.path, "--passphrase-file", journal.secret.path],
                environment: ["COLUMNS": "80", "LINES": "24"], everythingOnTerminal: true)
            var offset = try run.waitFor(try #require(english["key.open"]), after: 0)
            offset = run.screen.count
            try run.answer("1")
            try run.waitFor(try #require(english["key.register"]), after: offset)
            let urgent = "!! " + (try #require(english["inbox.urgent"]))
            let heading = try #require(english["report.heading"])
            var page = run.screen.dropFirst(offset)
            var pages = 1
            var last = 0
            while !page.contains("конец-сообщения") {
                #expect(page.contains(urgent), "page \(pages) lost the urgent line")
                #expect(page.contains(heading), "page \(pages) lost the heading")
                let position = try #require(page.firstMatch(of: #/(\d+)–(\d+) of (\d+)/#), "page \(pages)")
                let (first, through) = (Int(position.1)!, Int(position.2)!)
                #expect(first == last + 1, "pages follow on: \(first) after \(last)")
                #expect(through - first + 1 <= 24, "a page fits the terminal")
                last = through
                #expect(pages < 40, "a 20,000-character report ends within 40 pages")
                if pages >= 40 { break }
                offset = run.screen.count
                try run.answer("n")
                try run.waitFor(try #require(english["key.register"]), after: offset)
                page = run.screen.dropFirst(offset)
                pages += 1
            }
            #expect(pages > 5, "the report took \(pages) pages")
            #expect(page.contains(urgent) && page.contains(heading))
            // The first page has the answers and the start of the words; p goes back to it.
            for _ in 1..<pages { try run.answer("p") }
            offset = run.screen.count
            try run.answer("p")
            try run.waitFor(try #require(english["queue.first_page"]), after: offset)
            try run.answer("b")
            run.type("q")
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen.suffix(2000))")
        }

        /// On a terminal of 40×16 every row fits: list rows are cut with an ellipsis, prose and prompts folded at
        /// spaces, and a page holds what the rows allow.
        @Test func aNarrowShortTerminalGetsRowsThatFit() async throws {
            let journal = try await journalWithThirtyReports()
            let run = try TerminalRun(
                ["triage", "--journal", journal.path, "--passphrase-file", journal.secret.path],
                environment: ["COLUMNS": "40", "LINES": "16"], everythingOnTerminal: true)
            try run.waitFor("› ", after: 0)
            try run.answer("?")
            try run.waitFor(try #require(english["help.heading"]), after: 0)
            run.type("q")
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen)")
            #expect(run.screen.contains("1–4 of 30"), "16 rows leave room for 4 reports")
            var arrows: [Keyboard.Arrow] = []
            // Control characters (the newlines among them) are removed by strippingEscapes: split first.
            let rows = run.screen.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map {
                Keyboard.strippingEscapes(String($0), arrows: &arrows)
            }
            let long = rows.filter { $0.count > 39 }
            #expect(long.isEmpty, "rows wider than the terminal: \(long)")
            #expect(rows.contains { $0.hasSuffix("…") }, "a report's row was cut with an ellipsis")
        }

        @Test func aKazakhSessionIsWorkedWithCyrillicKeysOnly() async throws {
            let journal = try await journalWithThirtyReports(language: .kk)
            let run = try TerminalRun(
                ["triage", "--journal", journal.path, "--passphrase-file", journal.secret.path, "--lang", "kk"],
                environment: ["COLUMNS": "80", "LINES": "24"], everythingOnTerminal: true)
            var offset = try run.waitFor(try #require(kazakh["key.open"]), after: 0)
            // The keys are shown as the Kazakh layout types them.
            #expect(run.screen.contains("т — келесі бет · з — алдыңғы бет · ? — көмек · й — шығу › "))

            offset = run.screen.count
            try run.answer("т")
            try run.waitFor("30 ішінен 13–24", after: offset)
            offset = run.screen.count
            try run.answer("?")
            try run.waitFor(try #require(kazakh["help.heading"]), after: offset)
            #expect(run.screen.dropFirst(offset).contains("т (n) — келесі бет"))
            // Item 14, typed on the Kazakh number row ("1" is ", "4" is ң).
            offset = run.screen.count
            try run.answer("\"ң")
            try run.waitFor("п — тіркеу · и — артқа · ? — көмек › ", after: offset)
            #expect(markOfReport(shownIn: run.screen.dropFirst(offset)) == 14)
            offset = run.screen.count
            try run.answer("?")
            try run.waitFor(try #require(kazakh["help.heading"]), after: offset)
            offset = run.screen.count
            try run.answer("п")
            // The first question is the types of cruelty, several numbers: ? says how to answer, ↑ is ignored.
            var asked = run.screen.count
            try run.answer("?")
            try run.waitFor(try #require(kazakh["prompt.help_choose_many"]), after: asked)
            asked = run.screen.count
            try run.answer("\u{1B}[A")
            #expect(!run.screen.dropFirst(asked).contains(try #require(kazakh["prompt.invalid"])))
            try run.enterUntil(try #require(kazakh["triage.confirm_register"]), after: offset)
            asked = run.screen.count
            try run.answer("?")
            try run.waitFor("«Иә» үшін и, «жоқ» үшін ж теріңіз.", after: asked)
            offset = run.screen.count
            try run.answer("и")
            try run.waitFor("2026/27-001", after: offset)
            #expect(run.screen.contains("30 ішінен 13–24") || run.screen.contains("29 ішінен 13–24"))
            run.type("й")
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen)")
            let list = try journal.run(["journal", "list", "--json"])
            #expect(list.stdout.contains("2026/27-001"))
        }
    }

    /// `senim` in a real terminal emulator (tmux, 80×24), whose scrollback is read after the session ends.
    final class TmuxSession {
        let name = "senim-test-\(UUID().uuidString.prefix(8))"
        let socket: String

        init(_ arguments: [String], environment: [String: String], folder: TemporaryDirectory) throws {
            socket = folder.path("tmux.sock")
            let senim = Repository.binaries.appendingPathComponent("senim").path
            let exports = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
            let command = "env \(exports) \(senim) " + arguments.map { "'\($0)'" }.joined(separator: " ")
            // The server tmux starts keeps every descriptor it inherits, the write ends of this test process's pipes
            // among them, and a read of those would wait for the server to exit: start it with all closed.
            let started = try ProgramRunner.run(
                "/usr/bin/python3",
                [
                    "-c",
                    "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:], close_fds=True, "
                        + "stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))",
                    "/usr/bin/tmux", "-S", socket, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "sh",
                ])
            guard started.status == 0 else { throw TestFailure("tmux did not start") }
            try tmux(["set-option", "-t", name, "remain-on-exit", "on"])
            try tmux(["set-option", "-t", name, "history-limit", "10000"])
            try tmux(["send-keys", "-t", name, "-l", "exec \(command)"])
            try tmux(["send-keys", "-t", name, "Enter"])
        }

        @discardableResult
        func tmux(_ arguments: [String]) throws -> String {
            let result = try ProgramRunner.run("/usr/bin/tmux", ["-S", socket] + arguments)
            guard result.status == 0 else { throw TestFailure("tmux \(arguments): \(result.stderr)") }
            return result.stdout
        }

        /// Types `text` (literally) and Enter.
        func type(_ text: String) throws {
            if !text.isEmpty { try tmux(["send-keys", "-t", name, "-l", text]) }
            try tmux(["send-keys", "-t", name, "Enter"])
        }

        func key(_ key: String) throws { try tmux(["send-keys", "-t", name, key]) }

        /// The visible screen.
        func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }

        /// The scrollback and the visible screen, everything the terminal still holds.
        func everything() throws -> String { try tmux(["capture-pane", "-p", "-S", "-", "-E", "-", "-t", name]) }

        func waitFor(_ text: String, seconds: Double = 60) throws {
            let deadline = Date().addingTimeInterval(seconds)
            while !(try screen().contains(text)) {
                guard Date() < deadline else { throw TestFailure("no \(text) on the screen: \(try screen())") }
                usleep(50_000)
            }
        }

        /// Waits until the program has ended (the pane is dead).
        func waitForExit(seconds: Double = 60) throws {
            let deadline = Date().addingTimeInterval(seconds)
            while try tmux(["display-message", "-p", "-t", name, "#{pane_dead}"]).trimmingCharacters(
                in: .whitespacesAndNewlines) != "1"
            {
                guard Date() < deadline else { throw TestFailure("senim did not exit: \(try screen())") }
                usleep(50_000)
            }
        }

        deinit { _ = try? tmux(["kill-server"]) }
    }

    @Suite(
        .serialized,
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux (apt-get install tmux)")
    )
    struct NothingLeftOnTheScreen {
        func session(_ journal: CLIJournal, folder: TemporaryDirectory) throws -> TmuxSession {
            try TmuxSession(
                ["triage", "--journal", journal.path, "--passphrase-file", journal.secret.path],
                environment: ["SENIM_LANG": "en"], folder: folder)
        }

        @Test(arguments: ["q", "C-c", "C-d"])
        func noWordOfAReportStaysInTheScrollbackAfterTheSessionEnds(ending: String) async throws {
            let journal = try await journalWithThirtyReports()
            let folder = try TemporaryDirectory()
            let tmux = try session(journal, folder: folder)
            try tmux.waitFor("number — open")
            try tmux.type("3")
            try tmux.waitFor("g — register")
            #expect(try tmux.screen().contains("слово-метка-3"), "the report is on the screen while open")
            try tmux.type("b")
            try tmux.waitFor("number — open")
            switch ending {
            case "q": try tmux.type("q")
            default: try tmux.key(ending)
            }
            try tmux.waitForExit()
            let left = try tmux.everything()
            #expect(!left.contains("слово-метка"), "the terminal still holds: \(left)")
            #expect(!left.contains("меня обижают"))
        }

        /// The check can fail: the same report printed without the alternate screen stays in the scrollback.
        @Test func withoutTheAlternateScreenTheWordsWouldStay() async throws {
            let journal = try await journalWithThirtyReports()
            let folder = try TemporaryDirectory()
            let tmux = try TmuxSession(
                ["inbox", "--journal", journal.path, "--passphrase-file", journal.secret.path],
                environment: ["SENIM_LANG": "en"], folder: folder)
            try tmux.waitForExit()
            #expect(try tmux.everything().contains("Отчёт номер"))
        }
    }

    /// The risk assessment at the terminal: back a question, every answer on one screen, change one, a "no" that
    /// loses nothing, save.
    @Suite struct AssessmentWithAWayBack {
        @Test func answersAreGoneBackOverReviewedChangedAndSaved() throws {
            let journal = try CLIJournal()
            let en = try messageTable("en")
            func text(_ key: String) throws -> String { try #require(en[key], "en.json has no \(key)") }
            let run = try TerminalRun(
                ["assess", "1", "--journal", journal.path, "--passphrase-file", journal.secret.path, "--lang", "en"],
                environment: ["COLUMNS": "80", "LINES": "24"], everythingOnTerminal: true)
            try run.waitFor("b back]: ", after: 0)
            try run.answer("y")  // risk 1: yes
            try run.answer("first note")
            try run.answer("?")
            #expect(run.screen.contains("Latin y, n and b work too"))
            try run.answer("n")  // risk 2: no
            let beforeBack = run.screen.count
            var offset = try run.answer("b")  // back to risk 2
            #expect(run.screen.dropFirst(beforeBack).contains("(answered: no)"))
            try run.answer("y")  // risk 2: yes now
            try run.answer("second note")
            let beforeUp = run.screen.count
            try run.answer("\u{1B}[A")  // ↑ at question 3 is back too
            #expect(run.screen.dropFirst(beforeUp).contains("(answered: yes)"))
            try run.answer("y")
            offset = try run.answer("")  // Enter keeps the note given before
            for _ in 3...43 { try run.answer("") }
            try run.waitFor(try text("assess.review_heading"), after: offset)
            #expect(run.screen.contains(" 1 + yes · "))
            #expect(run.screen.contains(" 2 + yes · "))
            offset = run.screen.count
            try run.answer("?")
            try run.waitFor(try text("help.heading"), after: offset)
            // Change question 1 to no from the answers screen.
            offset = run.screen.count
            try run.answer("1")
            try run.answer("n")
            try run.waitFor(" 1 − no · ", after: offset)
            try run.answer("s")
            try run.answer("y")  // accept the proposal
            try run.answer("")  // the outcome it calls for
            offset = run.screen.count
            try run.answer("n")  // not yet: nothing is lost
            try run.waitFor(try text("assess.kept"), after: offset)
            #expect(run.screen.dropFirst(offset).contains(" 1 − no · "))
            #expect(run.screen.dropFirst(offset).contains(" 2 + yes · "))
            try run.answer("s")
            try run.answer("y")
            try run.answer("")
            run.type("y")
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen)")

            let shown = try journal.json(try journal.run(["journal", "show", "1", "--json"]).stdout)
            let assessments = try #require(shown["assessments"] as? [[String: Any]])
            #expect(assessments.count == 1, "one assessment, saved once")
            let text = try journal.run(["journal", "show", "1"]).stdout
            #expect(text.contains("second note"))
            #expect(!text.contains("first note"), "question 1 was changed to no")
        }

        @Test func leavingTheAnswersScreenSavesNothingAfterAConfirmation() throws {
            let journal = try CLIJournal()
            let run = try TerminalRun(
                ["assess", "1", "--journal", journal.path, "--passphrase-file", journal.secret.path, "--lang", "ru"],
                everythingOnTerminal: true)
            try run.waitFor("и — назад]: ", after: 0)
            for _ in 1...43 { try run.answer("") }
            try run.answer("й")
            run.type("д")
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen)")
            #expect(run.screen.contains(try #require(try messageTable("ru")["assess.not_saved"])))
            let shown = try journal.json(try journal.run(["journal", "show", "1", "--json"]).stdout)
            #expect((shown["assessments"] as? [Any])?.isEmpty ?? true)
        }
    }

    /// `?` on every screen of the review session.
    @Suite struct HelpOnEveryScreen {
        @Test func theReviewQueueAndAnEntryExplainTheirKeys() throws {
            let journal = try CLIJournal(entries: [["--type", "bullying"]])
            let director = try PassphraseFile("директордың өз құпия фразасы")
            let added = try journal.run([
                "members", "add", "Директор", "--role", "director", "--new-passphrase-file", director.path,
            ])
            try #require(added.status == 0, "\(added.stderr)")
            let run = try TerminalRun(
                [
                    "review", "--journal", journal.path, "--as", "Директор", "--passphrase-file", director.path,
                    "--lang", "ru",
                ],
                environment: ["SENIM_NOW": "2026-11-23T05:00:00Z"], everythingOnTerminal: true)
            let ru = try messageTable("ru")
            var offset = try run.waitFor(try #require(ru["key.open"]), after: 0)
            try run.answer("?")
            try run.waitFor(try #require(ru["help.heading"]), after: offset)
            #expect(run.screen.dropFirst(offset).contains("й (q) — выйти"))
            offset = run.screen.count
            try run.answer("1")
            try run.waitFor("и — назад · ? — справка › ", after: offset)
            #expect(run.screen.dropFirst(offset).contains("ы — подписать · с — комментарий · "))
            offset = run.screen.count
            try run.answer("?")
            try run.waitFor("ы (s) — подписать", after: offset)
            offset = run.screen.count
            try run.answer("\u{1B}[B")  // ↓ means nothing here: ignored, not an error
            #expect(!run.screen.dropFirst(offset).contains(try #require(ru["prompt.invalid"])))
            try run.answer("и")
            run.type("й")
            let result = try run.finish()
            #expect(result.status == 0, "terminal shows: \(run.screen)")
        }
    }
#endif
