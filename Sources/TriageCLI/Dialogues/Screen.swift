import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal the sessions draw on: its size, and the alternate screen they run in.
enum Terminal {
    /// Columns and rows: the terminal's own (TIOCGWINSZ), else `COLUMNS` and `LINES`, else 80×24.
    static var size: (columns: Int, rows: Int) {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        let environment = ProcessInfo.processInfo.environment
        let columns = environment["COLUMNS"].flatMap(Int.init) ?? 80
        let rows = environment["LINES"].flatMap(Int.init) ?? 24
        return (max(20, columns), max(10, rows))
    }

    /// The width a line may take without wrapping: one column short of the terminal's, so that a line never
    /// reaches the last column (some terminals wrap there).
    static var lineWidth: Int { max(30, size.columns - 1) }

    /// A rule across the screen.
    static var rule: String { String(repeating: "─", count: lineWidth) }

    /// `text` cut to `width` characters with an ellipsis, so that a row of a list never wraps.
    static func fit(_ text: String, width: Int = lineWidth) -> String {
        text.count > width ? String(text.prefix(max(1, width - 1))) + "…" : text
    }

    /// Each line of `text` folded at spaces into lines of at most `width` characters (a word longer than the
    /// width stays whole): prose on a narrow terminal, never broken in the middle of a word.
    static func fold(_ text: String, width: Int = lineWidth) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let indent = String(line.prefix { $0 == " " })
            var lines: [String] = []
            var current = ""
            for word in line.split(separator: " ") {
                if !current.isEmpty, current.count + 1 + word.count > width {
                    lines.append(current)
                    current = indent + "  " + word
                } else {
                    current = current.isEmpty ? indent + word : current + " " + word
                }
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Whether standard output is a terminal.
    static var isInteractive: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Clears the screen and its scrollback before a new screen, when output goes to a terminal.
    static func clear() {
        if isInteractive { write(sequence: "\u{1B}[H\u{1B}[2J\u{1B}[3J") }
    }

    fileprivate static func write(sequence: String) {
        fflush(nil)
        FileHandle.standardOutput.write(Data(sequence.utf8))
    }
}

/// Runs an interactive session in the terminal's alternate screen, so that nothing of a report or an entry stays
/// in the terminal or its scrollback afterwards: on a normal quit, an error, the end of input, Ctrl-C, or a lost
/// terminal (SIGHUP) alike. Without a terminal on standard output it just runs the body.
enum AlternateScreen {
    /// Clear the screen and the scrollback, then leave the alternate screen (and show the cursor).
    fileprivate static let leaveBytes: [UInt8] = Array("\u{1B}[H\u{1B}[2J\u{1B}[3J\u{1B}[?1049l\u{1B}[?25h".utf8)

    static func run<T>(_ body: () async throws -> T) async rethrows -> T {
        guard Terminal.isInteractive else { return try await body() }
        _ = leaveBytes.count  // initialised before any handler can need it
        Terminal.write(sequence: "\u{1B}[?1049h\u{1B}[H\u{1B}[2J")
        let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
        for number in signals { signal(number, leaveAndExit) }
        defer {
            leave()
            for number in signals { signal(number, SIG_DFL) }
        }
        return try await body()
    }

    private static func leave() {
        fflush(nil)
        leaveBytes.withUnsafeBufferPointer { _ = Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

/// A signal handler: only async-signal-safe calls (write, _exit).
private func leaveAndExit(_ number: Int32) {
    AlternateScreen.leaveBytes.withUnsafeBufferPointer { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    _exit(128 + number)
}

/// Pages through a list of any length: items are numbered from 1 across all pages, and any number opens its item
/// whichever page is shown.
struct Pager: Equatable {
    let count: Int
    let pageSize: Int
    private(set) var page = 0

    init(count: Int, pageSize: Int, page: Int = 0) {
        self.count = count
        self.pageSize = max(1, pageSize)
        self.page = 0
        self.page = min(max(0, page), pages - 1)
    }

    var pages: Int { max(1, (count + pageSize - 1) / pageSize) }

    /// The indices (0-based) of the items on the page shown.
    var range: Range<Int> { min(count, page * pageSize)..<min(count, (page + 1) * pageSize) }

    var isFirst: Bool { page == 0 }
    var isLast: Bool { page == pages - 1 }

    /// Turns to the next page; false on the last.
    mutating func next() -> Bool {
        guard !isLast else { return false }
        page += 1
        return true
    }

    /// Turns to the previous page; false on the first.
    mutating func previous() -> Bool {
        guard !isFirst else { return false }
        page -= 1
        return true
    }

    /// The same page of a list that changed length (a report registered, an entry signed).
    func resized(to count: Int) -> Pager { Pager(count: count, pageSize: pageSize, page: page) }

    /// "13–24 of 31".
    func position(_ m: Messages) -> String {
        guard count > 0 else { return "" }
        return m(
            "queue.position", ["first": "\(range.lowerBound + 1)", "last": "\(range.upperBound)", "count": "\(count)"])
    }

    /// The rows a page may take on a terminal with `rows` rows, leaving `reserved` for the header and prompt.
    static func pageSize(rows: Int, reserved: Int) -> Int { max(3, rows - reserved) }
}

/// A text longer than the terminal (a report of 20,000 characters), shown a page at a time, as `less` would, with
/// its heading and its URGENT line kept at the top of every page (issue 16). Folded to the terminal's width first.
struct PagedText {
    /// The lines kept on every page: the heading, and the urgent line when there is one.
    let pinned: [String]
    let body: [String]
    private(set) var pager: Pager

    /// `reserved`: the rows the screen needs below the text (the rule, a notice, the prompt).
    init(_ text: String, rows: Int = Terminal.size.rows, reserved: Int = 5) {
        let lines = Terminal.fold(text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let pinnedCount = lines.count > 1 && lines[1].hasPrefix("!!") ? 2 : 1
        pinned = Array(lines.prefix(pinnedCount))
        body = Array(lines.dropFirst(pinnedCount))
        // The position line takes a row of its own when there are pages.
        let room = rows - reserved - pinned.count - 1
        pager = Pager(count: body.count, pageSize: max(3, room))
        if pager.pages == 1 { pager = Pager(count: body.count, pageSize: max(1, body.count)) }
    }

    var isPaged: Bool { pager.pages > 1 }

    /// What is shown now: the pinned lines, the page, and where it is ("lines 19–36 of 270").
    func page(_ m: Messages) -> String {
        var lines = pinned + body[pager.range]
        if isPaged { lines.append(m("report.lines", ["position": pager.position(m)])) }
        return lines.joined(separator: "\n")
    }

    mutating func next() -> Bool { pager.next() }
    mutating func previous() -> Bool { pager.previous() }

    /// The keys that turn the pages, when there are pages.
    var keys: [Keys.Action] {
        isPaged ? [Keys.Action(key: "n", label: "key.next"), Keys.Action(key: "p", label: "key.previous")] : []
    }
}

/// The keys of one screen, shown in the session's language and explained by `?`.
struct Keys {
    struct Action {
        /// The Latin letter, or `?`.
        let key: Character
        /// The message that says what it does.
        let label: String
    }

    let m: Messages
    let actions: [Action]
    /// Whether a number opens (or changes) an item on this screen, and the message that says so.
    var number: String?
    /// Whether the screen has pages (← → and the next/previous keys are then explained).
    var paged = false

    /// How a key is shown in this session: the Cyrillic letter in its place in Kazakh and Russian.
    func shown(_ key: Character) -> String { Keyboard.label(key, language: m.language.rawValue) }

    /// The prompt: "number — open · n — next page · … › ", folded at spaces on a narrow terminal.
    func prompt() -> String {
        var parts: [String] = []
        if let number { parts.append(m(number)) }
        for action in actions { parts.append("\(shown(action.key)) — \(m(action.label))") }
        // Room left on the last line for what is typed.
        return Terminal.fold(parts.joined(separator: " · ") + " ›", width: Terminal.lineWidth - 6) + " "
    }

    /// What `?` prints: every key of the screen and what it does, and how the keyboard is read.
    func help() -> [String] {
        var lines = [m("help.heading")]
        if let number { lines.append("  " + m(number)) }
        for action in actions {
            let latin = action.key == "?" || m.language == .en ? "" : " (\(action.key))"
            lines.append("  \(shown(action.key))\(latin) — \(m(action.label))")
        }
        if paged { lines.append("  ← → — " + m("key.arrows")) }
        lines.append("  Enter — " + m("key.enter"))
        lines.append("  Ctrl-C — " + m("key.ctrl_c"))
        lines.append(m("help.layout"))
        return lines
    }

    /// Whether `key` is one of this screen's.
    func offers(_ key: Character) -> Bool { actions.contains { $0.key == key } }
}
