import Foundation
import ReportFormat
import Synchronization

/// Flood control for submissions: a global cap and per-client caps per minute.
///
/// Kept in memory only. A client is known only by a keyed hash of its address, with a
/// key made at start-up and never written anywhere, so not even a memory dump links a
/// bucket to an address without that key; counts are forgotten every minute.
public final class FloodControl: Sendable {
    /// What to do with a request.
    public enum Decision: Equatable, Sendable {
        case allow
        case tooMany
    }

    private struct Window {
        var minute: Int64 = 0
        var global = 0
        var perClient: [UInt64: Int] = [:]
    }

    private let perClientPerMinute: Int
    private let globalPerMinute: Int
    private let window = Mutex(Window())
    private let now: @Sendable () -> ContinuousClock.Instant
    private let start = ContinuousClock.now
    /// Bound on distinct clients remembered in one minute.
    static let maxClients = 100_000

    public init(
        perClientPerMinute: Int, globalPerMinute: Int,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.perClientPerMinute = perClientPerMinute
        self.globalPerMinute = globalPerMinute
        self.now = now
    }

    /// Counts one submission from `client` (nil if unknown) and says whether to accept it.
    public func admit(client: UInt64?) -> Decision {
        let minute = (now() - start).components.seconds / 60
        return window.withLock { window in
            if window.minute != minute { window = Window(minute: minute) }
            if globalPerMinute > 0, window.global >= globalPerMinute { return .tooMany }
            if perClientPerMinute > 0, let client {
                let count = window.perClient[client, default: 0]
                if count >= perClientPerMinute { return .tooMany }
                if count == 0, window.perClient.count >= Self.maxClients { return .tooMany }
                window.perClient[client] = count + 1
            }
            window.global += 1
            return .allow
        }
    }
}

/// Turns a client address into an opaque tag at the moment a request arrives, so the
/// address itself is never kept in a request context, a bucket or a log.
public enum ClientTag {
    /// Made at start-up, held only in this process's memory, never written.
    private static let key = Sodium.randomBytes(32)

    /// The first 8 bytes of BLAKE2b keyed with the process key.
    public static func of(address: String) -> UInt64 {
        let digest = Sodium.genericHash(Array(address.utf8), key: key, length: 16)
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// How long storing a report takes lately (sealing, then the spool's commit), so that a honeypot catch, which
/// stores nothing, can take about as long as a real report and not be told apart by its speed (issue 13 §4).
public final class StoreTimer: Sendable {
    private let average = Mutex<Duration>(.milliseconds(2))

    public init() {}

    /// The moving average of recent stores (each new one weighs an eighth), at most a second.
    public var typical: Duration { min(average.withLock { $0 }, .seconds(1)) }

    /// Records one store's duration.
    public func record(_ duration: Duration) {
        average.withLock { $0 = ($0 * 7 + duration) / 8 }
    }
}

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
    public static func make() -> String { Sodium.randomBytes(16).map { String(format: "%02x", $0) }.joined() }

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
