import CSodium
import Foundation

/// Process-wide protections for a program that holds secrets in memory.
public enum ProcessHardening {
    /// No core dumps, and no ptrace attach by other processes of the same user.
    public static func disableCoreDumps() {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        _ = senim_set_not_dumpable()
    }
}
