// libFuzzer target: the envelope parser. Built by Tests/Fuzz/run.sh with the ReportFormat sources.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let envelope = try? Envelope(parsing: bytes) {
        // Whatever parses serialises back to exactly the same bytes.
        precondition(envelope.bytes == bytes, "parse → serialise changed the bytes")
        precondition(envelope.paddedPayloadLength >= 0)
    }
    return 0
}
