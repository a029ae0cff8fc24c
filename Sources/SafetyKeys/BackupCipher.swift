import CSodium
import Foundation
import ReportFormat

/// Why a backup could not be written or read.
public enum BackupError: Error, Equatable, Sendable {
    /// The file does not start like a Senim backup.
    case notABackup
    /// A version, key-derivation cost or header this code does not accept.
    case unsupported
    /// The first block does not open: the passphrase is wrong (or the file's start was altered).
    case wrongPassphrase
    /// A later block does not open, the file ends early, or something follows its end.
    case damaged
    /// The output exists already.
    case exists(path: String)
    /// Reading or writing failed.
    case io(path: String, reason: String)
    /// The disk the file was being written to is full; nothing is left of it.
    case diskFull(path: String)
}

/// A file encrypted under a passphrase, in blocks, so that a journal of any size is never held whole in memory.
///
/// Layout: `SENIMBK1` ‖ opslimit (u64 LE) ‖ memlimit (u64 LE) ‖ salt (16) ‖ secretstream header (24) ‖ blocks,
/// each a u32 LE length and a `crypto_secretstream_xchacha20poly1305` ciphertext: first the caller's header, then
/// the file in blocks of up to 64 KiB, the last with the FINAL tag. The key is Argon2id of the passphrase; the
/// first block authenticates every byte before the stream as additional data. Nothing but the cost parameters
/// is in the clear, and an altered header, a missing, reordered or altered block and a cut-off end are all
/// detected.
public enum BackupCipher {
    static let magic = Array("SENIMBK1".utf8)
    static let blockSize = 64 * 1024
    static let maximumHeader = 1 << 20

    /// Encrypts the file at `input` into a new file at `output` (mode 0600, never overwriting).
    public static func encrypt(
        input: String, output: String, header: [UInt8], passphrase: Passphrase, parameters: KDFParameters
    ) throws(BackupError) {
        guard header.count <= maximumHeader else { throw .unsupported }
        guard let source = FileHandle(forReadingAtPath: input) else {
            throw .io(path: input, reason: "cannot be read")
        }
        defer { try? source.close() }
        let fd = open(output, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { throw .exists(path: output) }
            throw .io(path: output, reason: String(cString: strerror(errno)))
        }
        let sink = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var complete = false
        defer { if !complete { unlink(output) } }

        let salt = Sodium.randomBytes(WrappedSecret.saltLength)
        let key: SecureBytes
        do {
            key = try WrappedSecret.deriveKey(passphrase: passphrase, salt: salt, parameters: parameters)
        } catch {
            throw .unsupported
        }
        var prefix = magic
        prefix += littleEndian(parameters.opsLimit) + littleEndian(parameters.memLimit) + salt

        var state = crypto_secretstream_xchacha20poly1305_state()
        var streamHeader = [UInt8](repeating: 0, count: Int(crypto_secretstream_xchacha20poly1305_headerbytes()))
        _ = key.withPointer { crypto_secretstream_xchacha20poly1305_init_push(&state, &streamHeader, $0) }
        do {
            try sink.write(contentsOf: Data(prefix + streamHeader))
            var first = true
            var block = Data(header)
            while true {
                let next = try source.read(upToCount: blockSize) ?? Data()
                let final = next.isEmpty && !first
                let tag = UInt8(final ? crypto_secretstream_xchacha20poly1305_tag_final() : 0)
                let plain = [UInt8](block)
                let ad = first ? prefix : []
                var cipher = [UInt8](
                    repeating: 0, count: plain.count + Int(crypto_secretstream_xchacha20poly1305_abytes()))
                var written: UInt64 = 0
                crypto_secretstream_xchacha20poly1305_push(
                    &state, &cipher, &written, plain, UInt64(plain.count), ad, UInt64(ad.count), tag)
                try sink.write(contentsOf: Data(littleEndian(UInt32(written)) + cipher.prefix(Int(written))))
                first = false
                if final { break }
                block = next
            }
            try sink.synchronize()
        } catch {
            if Self.isOutOfSpace(error) { throw .diskFull(path: output) }
            throw .io(path: output, reason: "\(error)")
        }
        complete = true
    }

    /// Whether a write failed for want of space (Foundation says so as a Cocoa error over `ENOSPC`).
    static func isOutOfSpace(_ error: any Error) -> Bool {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain, error.code == Int(ENOSPC) { return true }
        if error.domain == NSCocoaErrorDomain, error.code == NSFileWriteOutOfSpaceError { return true }
        return (error.userInfo[NSUnderlyingErrorKey] as? NSError).map(isOutOfSpace) ?? false
    }

    /// Decrypts a backup into a new file at `output`; returns the header. Nothing is left at `output` on failure.
    @discardableResult
    public static func decrypt(input: String, output: String, passphrase: Passphrase) throws(BackupError) -> [UInt8] {
        guard let source = FileHandle(forReadingAtPath: input) else { throw .io(path: input, reason: "cannot be read") }
        defer { try? source.close() }
        let prefix = try readPrefix(source)
        let key: SecureBytes
        do {
            key = try WrappedSecret.deriveKey(passphrase: passphrase, salt: prefix.salt, parameters: prefix.parameters)
        } catch {
            throw .unsupported
        }
        guard
            let streamHeader = try? source.read(upToCount: Int(crypto_secretstream_xchacha20poly1305_headerbytes())),
            streamHeader.count == Int(crypto_secretstream_xchacha20poly1305_headerbytes())
        else { throw .damaged }
        var state = crypto_secretstream_xchacha20poly1305_state()
        let started = key.withPointer { k in
            crypto_secretstream_xchacha20poly1305_init_pull(&state, [UInt8](streamHeader), k)
        }
        guard started == 0 else { throw .damaged }

        let fd = open(output, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { throw .exists(path: output) }
            throw .io(path: output, reason: String(cString: strerror(errno)))
        }
        let sink = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var complete = false
        defer { if !complete { unlink(output) } }
        var first = true
        var header: [UInt8]?
        while true {
            guard let lengthBytes = try? source.read(upToCount: 4), lengthBytes.count == 4 else { throw .damaged }
            let length = Int(lengthBytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian })
            guard length >= Int(crypto_secretstream_xchacha20poly1305_abytes()),
                length <= max(blockSize, maximumHeader) + Int(crypto_secretstream_xchacha20poly1305_abytes()),
                let cipherData = try? source.read(upToCount: length), cipherData.count == length
            else { throw .damaged }
            let cipher = [UInt8](cipherData)
            var plain = [UInt8](repeating: 0, count: length)
            var written: UInt64 = 0
            var tag: UInt8 = 0
            let ad = first ? prefix.bytes : []
            let rc = crypto_secretstream_xchacha20poly1305_pull(
                &state, &plain, &written, &tag, cipher, UInt64(length), ad, UInt64(ad.count))
            guard rc == 0 else { throw first ? .wrongPassphrase : .damaged }
            first = false
            if header == nil {
                header = Array(plain.prefix(Int(written)))
            } else {
                do {
                    try sink.write(contentsOf: Data(plain.prefix(Int(written))))
                } catch {
                    throw .io(path: output, reason: "\(error)")
                }
            }
            if tag == UInt8(crypto_secretstream_xchacha20poly1305_tag_final()) { break }
        }
        // Nothing may follow the final block.
        if let rest = try? source.read(upToCount: 1), !rest.isEmpty { throw .damaged }
        do { try sink.synchronize() } catch { throw .io(path: output, reason: "\(error)") }
        guard let header else { throw .damaged }
        complete = true
        return header
    }

    private struct Prefix {
        let bytes: [UInt8]
        let parameters: KDFParameters
        let salt: [UInt8]
    }

    private static func readPrefix(_ source: FileHandle) throws(BackupError) -> Prefix {
        let fixed = magic.count + 16 + WrappedSecret.saltLength
        guard let start = try? source.read(upToCount: fixed), start.count == fixed else { throw .notABackup }
        let bytes = [UInt8](start)
        guard Array(bytes.prefix(magic.count)) == magic else { throw .notABackup }
        func u64(_ at: Int) -> UInt64 { bytes[at..<at + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        let parameters = KDFParameters(opsLimit: u64(magic.count), memLimit: u64(magic.count + 8))
        guard KDFParameters.acceptedOps.contains(parameters.opsLimit),
            KDFParameters.acceptedMem.contains(parameters.memLimit)
        else { throw .unsupported }
        let saltStart = magic.count + 16
        let salt = Array(bytes[saltStart..<saltStart + WrappedSecret.saltLength])
        return Prefix(bytes: bytes, parameters: parameters, salt: salt)
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
