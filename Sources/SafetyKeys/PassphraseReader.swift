import Foundation

/// Why a passphrase could not be read.
public enum PassphraseError: Error, Equatable, Sendable {
    /// There is no terminal to ask at.
    case noTerminal
    /// The passphrase file could not be read.
    case unreadableFile(path: String, reason: String)
    /// Nothing was entered.
    case empty
    /// Longer than the limit.
    case tooLong(max: Int)
    /// The two entries differ.
    case mismatch
}

/// Reads passphrases into locked memory, from a terminal without echo or from a file.
public enum PassphraseReader {
    /// Longest passphrase accepted, in bytes.
    public static let maximumLength = 1024

    /// Reads the first line of a file (a trailing newline is not part of the passphrase).
    public static func read(fromFile path: String) throws(PassphraseError) -> Passphrase {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadableFile(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        return try readLine(from: fd, path: path)
    }

    /// Prompts on the controlling terminal with echo turned off.
    public static func prompt(_ prompt: String) throws(PassphraseError) -> Passphrase {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .noTerminal }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { throw .noTerminal }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        _ = Array(prompt.utf8).withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        tcsetattr(fd, TCSAFLUSH, &silent)
        defer { tcsetattr(fd, TCSAFLUSH, &original) }
        return try readLine(from: fd)
    }

    /// Reads up to the first LF. With a `path`, a read error (a folder, say) is reported as
    /// unreadable rather than taken for the end of an empty line.
    private static func readLine(from fd: Int32, path: String? = nil) throws(PassphraseError) -> Passphrase {
        // One byte beyond the limit, for the CR of a CR LF line ending.
        let storage = SecureBytes(count: maximumLength + 1)
        var length = 0
        var byte: UInt8 = 0
        while true {
            let n = Foundation.read(fd, &byte, 1)
            if n < 0, errno == EINTR { continue }
            if n < 0, let path { throw .unreadableFile(path: path, reason: String(cString: strerror(errno))) }
            if n <= 0 || byte == 0x0A { break }
            guard length < storage.count else {
                byte = 0
                throw .tooLong(max: maximumLength)
            }
            storage.withUnsafeMutableBytes { $0[length] = byte }
            length += 1
        }
        byte = 0
        // A file written on Windows ends its line with CR LF.
        if length > 0, storage.withUnsafeBytes({ $0[length - 1] }) == 0x0D {
            storage.withUnsafeMutableBytes { $0[length - 1] = 0 }
            length -= 1
        }
        guard length <= maximumLength else { throw .tooLong(max: maximumLength) }
        guard length > 0 else { throw .empty }
        return Passphrase(storage: storage, length: length)
    }
}
