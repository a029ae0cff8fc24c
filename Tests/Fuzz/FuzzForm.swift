// libFuzzer target: the strict application/x-www-form-urlencoded decoder. Built by Tests/Fuzz/run.sh with
// Sources/IntakeServer/URLEncodedForm.swift.

/// Percent-encodes every byte but the unreserved ones.
func formEncode(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            out.append(byte)
        default:
            let hex = Array("0123456789ABCDEF".utf8)
            out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let fields = try? URLEncodedForm.decode(bytes) else { return 0 }
    // Never more fields than allowed, and what was decoded, encoded again, decodes to the same fields.
    precondition(fields.count <= URLEncodedForm.maxFields)
    var again: [UInt8] = []
    for (index, field) in fields.enumerated() {
        if index > 0 { again.append(UInt8(ascii: "&")) }
        again += formEncode(field.name) + [UInt8(ascii: "=")] + formEncode(field.value)
    }
    let decoded = try? URLEncodedForm.decode(again)
    precondition(decoded?.map(\.name) == fields.map(\.name) && decoded?.map(\.value) == fields.map(\.value))
    return 0
}
