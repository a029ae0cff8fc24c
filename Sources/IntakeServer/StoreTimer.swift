import Synchronization

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
