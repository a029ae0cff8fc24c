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
