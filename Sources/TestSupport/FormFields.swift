import Foundation

/// Form fields in order, encoded as a browser does (`+` for spaces, `%XX` for every other byte).
public struct FormFields: Sendable, ExpressibleByDictionaryLiteral {
    /// The form's media type.
    public static let contentType = "application/x-www-form-urlencoded"

    public var pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)]) { self.pairs = pairs }
    public init(dictionaryLiteral elements: (String, String)...) { self.pairs = elements.map { ($0.0, $0.1) } }

    public var encoded: String {
        pairs.map { "\(Self.encode($0.name))=\(Self.encode($0.value))" }.joined(separator: "&")
    }

    public mutating func set(_ name: String, _ value: String) {
        pairs.removeAll { $0.name == name }
        pairs.append((name, value))
    }

    public mutating func append(_ name: String, _ value: String) { pairs.append((name, value)) }

    public mutating func remove(_ name: String) { pairs.removeAll { $0.name == name } }

    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                out.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: " "): out.append("+")
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
