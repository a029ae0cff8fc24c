import CSodium
import ReportFormat

/// Secret bytes in memory that libsodium allocated: guarded pages, locked against
/// swapping, zeroed and freed when the value goes away.
///
/// Sendable because a value is written only while it is being built (by the code that
/// allocated it) and only read after that: concurrent reads of locked memory are safe.
public final class SecureBytes: @unchecked Sendable {
    /// Number of bytes.
    public let count: Int
    private let pointer: UnsafeMutableRawPointer

    /// Allocates `count` zeroed bytes of locked memory.
    public init(count: Int) {
        Sodium.ensureInitialised()
        precondition(count > 0, "SecureBytes needs at least one byte")
        guard let raw = sodium_malloc(count) else {
            fatalError("senim: cannot allocate locked memory for a secret")
        }
        sodium_memzero(raw, count)
        self.count = count
        self.pointer = raw
    }

    /// Copies `bytes` into locked memory. The caller should zero its own copy.
    public convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(count: max(bytes.count, 1))
        if bytes.count > 0 { pointer.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
    }

    deinit {
        sodium_free(pointer)
    }

    /// Read access to the bytes; the pointer must not escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Write access to the bytes; the pointer must not escape.
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// A typed pointer for C calls.
    func withPointer<R>(_ body: (UnsafeMutablePointer<UInt8>) throws -> R) rethrows -> R {
        try body(pointer.assumingMemoryBound(to: UInt8.self))
    }

    /// Zeroes the bytes now, before the value is freed.
    public func wipe() {
        sodium_memzero(pointer, count)
    }
}

/// A passphrase held in locked memory.
public final class Passphrase {
    let storage: SecureBytes
    /// Length in bytes (UTF-8).
    public let length: Int

    /// Takes ownership of `storage`, of which the first `length` bytes are the passphrase.
    public init(storage: SecureBytes, length: Int) {
        self.storage = storage
        self.length = length
    }

    /// Copies a passphrase from a string (tests and the demo only; a string cannot be wiped).
    public convenience init(_ string: String) {
        var utf8 = Array(string.utf8)
        let storage = utf8.withUnsafeBytes { SecureBytes(copying: $0) }
        self.init(storage: storage, length: utf8.count)
        utf8.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, $0.count) }
    }

    /// Number of Unicode scalars, for the minimum-length rule.
    public var characterCount: Int {
        storage.withUnsafeBytes { raw in
            raw.prefix(length).reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
        }
    }

    /// Whether two passphrases are equal, in constant time.
    public func matches(_ other: Passphrase) -> Bool {
        guard length == other.length else { return false }
        return storage.withUnsafeBytes { a in
            other.storage.withUnsafeBytes { b in sodium_memcmp(a.baseAddress, b.baseAddress, length) == 0 }
        }
    }
}
