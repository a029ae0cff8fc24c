/// Why a form body could not be read.
public enum FormDecodingError: Error, Equatable, Sendable {
    /// A `%` not followed by two hex digits.
    case invalidPercentEncoding
    /// A name or value is not valid UTF-8 (including overlong encodings and surrogates).
    case invalidUTF8
    /// More fields than any real form sends.
    case tooManyFields(limit: Int)
    /// A text field given more than once.
    case repeatedField(String)
}

/// A strict `application/x-www-form-urlencoded` decoder.
///
/// Hand-written rather than Hummingbird's `URLEncodedFormDecoder` because the intake needs
/// what a Codable decoder hides: repeated fields kept as lists (checkboxes, and catching a
/// repeated radio), strict UTF-8 validation of the decoded bytes, and a bound on the
/// number of fields before any allocation grows with hostile input.
public enum URLEncodedForm {
    /// The most fields a body may have; the report form has about twenty.
    public static let maxFields = 200

    /// Decodes `name=value&…` pairs in order.
    public static func decode(_ body: some Collection<UInt8>, maxFields: Int = maxFields) throws(FormDecodingError)
        -> [(name: String, value: String)]
    {
        // One copy into contiguous memory, then plain index loops: splitting the generic collection
        // was a fifth of the intake's time under load.
        let bytes = Array(body)
        var pairs: [(name: String, value: String)] = []
        var start = 0
        while start < bytes.count {
            let stop = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
            if stop > start {
                guard pairs.count < maxFields else { throw .tooManyFields(limit: maxFields) }
                let part = bytes[start..<stop]
                let equals = part.firstIndex(of: UInt8(ascii: "=")) ?? stop
                let value = equals < stop ? try decodeComponent(bytes[(equals + 1)..<stop]) : ""
                pairs.append((try decodeComponent(bytes[start..<equals]), value))
            }
            start = stop + 1
        }
        return pairs
    }

    static func decodeComponent(_ bytes: ArraySlice<UInt8>) throws(FormDecodingError) -> String {
        if !bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            guard let string = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
            return string
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw .invalidPercentEncoding
                }
                out.append(high << 4 | low)
            default: out.append(byte)
            }
        }
        guard let string = String(validating: out, as: UTF8.self) else { throw .invalidUTF8 }
        return string
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
