import Foundation
import ReportFormat
import Synchronization

/// The one-time values the form carries (a hidden `once` field), so that sending the same filled form again — a
/// reload of the thank-you page, a double tap — stores nothing new and gets the same confirmation (issue 16).
///
/// In memory only, never written or logged; a value is remembered from the report it came with until the next
/// day's rotation (between 12 and 24 hours), at most `capacity` a day. It tells nothing about who sent what: the
/// value is random, made for one page view, and kept only with whether the confirmation said "in danger".
public final class OnceTokens: Sendable {
    private struct State {
        var window: Int64 = 0
        var current: [String: Bool] = [:]
        var previous: [String: Bool] = [:]
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Date
    static let capacity = 100_000
    static let rotation: Int64 = 12 * 3600

    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    /// A fresh value for a form: 128 random bits as 32 hex digits.
    public static func make() -> String { Data(Sodium.randomBytes(16)).hexString }

    /// Whether `text` has the shape of a value this intake makes.
    public static func isToken(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private func rotate(_ state: inout State) {
        let window = Int64(now().timeIntervalSince1970) / Self.rotation
        if window != state.window {
            state.previous = window == state.window + 1 ? state.current : [:]
            state.current = [:]
            state.window = window
        }
    }

    /// What the confirmation said for the report this value came with, if one was stored.
    public func stored(_ token: String) -> Bool? {
        state.withLock { state in
            rotate(&state)
            return state.current[token] ?? state.previous[token]
        }
    }

    /// Remembers that a report came with this value.
    public func remember(_ token: String, inDanger: Bool) {
        state.withLock { state in
            rotate(&state)
            guard state.current.count < Self.capacity else { return }
            state.current[token] = inDanger
        }
    }
}
