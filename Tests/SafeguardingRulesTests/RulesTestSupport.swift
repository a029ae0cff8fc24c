import Foundation

/// A moment from an ISO 8601 UTC stamp.
func date(_ stamp: String) -> Date {
    try! Date(stamp, strategy: .iso8601)
}
