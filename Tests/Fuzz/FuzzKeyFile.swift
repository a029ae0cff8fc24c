// libFuzzer target: the key-file parsers (public sealing key, collector key, passphrase-wrapped secret key).
// Built by Tests/Fuzz/run.sh against the ReportFormat and SafetyKeys modules.

import ReportFormat
import SafetyKeys

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyFile(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    if let key = try? SealingPublicKey(fileText: text) {
        // What parses reads back the same from the text it writes.
        precondition((try? SealingPublicKey(fileText: key.fileText)) == key)
    }
    if let key = try? CollectorPublicKey(fileText: text) {
        precondition((try? CollectorPublicKey(fileText: key.fileText))?.bytes == key.bytes)
    }
    if let file = try? SecretKeyFile(fileText: text) {
        precondition((try? SecretKeyFile(fileText: file.fileText))?.wrapped == file.wrapped)
    }
    return 0
}
