import Foundation
import ReportFormat
import Synchronization

/// The confirmation pages waiting to be shown once (issue 16).
///
/// A stored report is answered `303 See Other` to `/received/TOKEN` rather than with the confirmation itself, so
/// that the browser's history holds a GET and not the form's POST: Back from the quick exit then never shows
/// "Confirm form resubmission" (which tells whoever holds the phone that a form was sent), and, because the page is
/// handed out once, it never shows the confirmation again either: a second visit gets the blank page the quick exit
/// shows. What waits is the page's language, whether it leads with the emergency box and the receipt code, in memory
/// only, for at most `lifetime`, at most `capacity` at a time, and gone once shown; the token is random and names no
/// report.
public final class Confirmations: Sendable {
    public struct Page: Sendable, Equatable {
        public let language: Language
        public let inDanger: Bool
        /// The receipt code, held here only until its page is shown (issue 17); nil for a form sent again.
        public let code: ReceiptCode?
        /// Instead of a confirmation: what the check page found for a code (issue 17), shown at `/checked/TOKEN`
        /// so that the code's POST is not in the history either.
        public let check: Pages.CheckFound?

        public init(language: Language, inDanger: Bool, code: ReceiptCode? = nil, check: Pages.CheckFound? = nil) {
            self.language = language
            self.inDanger = inDanger
            self.code = code
            self.check = check
        }
    }

    private struct Waiting {
        let page: Page
        let expires: Date
    }

    /// The pages by token, and the tokens in the order they were issued, which, every page living as long, is
    /// the order they expire in: the oldest are dropped from the front in constant time.
    private struct State {
        var pages: [String: Waiting] = [:]
        var order: [String] = []
        var head = 0

        mutating func dropOldest() {
            let token = order[head]
            head += 1
            pages[token] = nil
            if head > 1024, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Date
    public static let capacity = 10_000
    /// Long enough for a slow phone to follow the redirect; short enough that a forgotten tab holds nothing.
    public static let lifetime: TimeInterval = 10 * 60

    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    /// Where the browser is sent for the confirmation of a stored report.
    public static func path(_ token: String) -> String { "/received/\(token)" }

    /// Where the browser is sent for what a check found.
    public static func checkedPath(_ token: String) -> String { "/checked/\(token)" }

    /// A new one-time address for `page`. Past `capacity` waiting, the oldest is dropped: a page its browser has
    /// not come for.
    public func issue(_ page: Page) -> String {
        let token = OnceTokens.make()
        let now = now()
        state.withLock { state in
            while state.head < state.order.count,
                state.pages.count >= Self.capacity
                    || (state.pages[state.order[state.head]].map { $0.expires <= now } ?? true)
            {
                state.dropOldest()
            }
            state.pages[token] = Waiting(page: page, expires: now.addingTimeInterval(Self.lifetime))
            state.order.append(token)
        }
        return token
    }

    /// The page for `token`, once: a second call, or one after `lifetime`, gets nil.
    public func take(_ token: String) -> Page? {
        guard OnceTokens.isToken(token) else { return nil }
        let now = now()
        return state.withLock { state in
            guard let found = state.pages.removeValue(forKey: token), found.expires > now else { return nil }
            return found.page
        }
    }
}
