import Foundation
import Mustache

/// HTML escaping for every Mustache template Senim renders (the intake's pages, the printable plan and statistics).
///
/// swift-mustache's own escaping looks up whole characters: a quote followed by a combining mark (`"` + U+0301) is
/// one Swift `Character`, not `"`, so it went through unescaped and closed the attribute it stood in — the intake
/// showed the form again with `value="x"́ autofocus onfocus=…"` for a class field typed that way (the
/// Content-Security-Policy kept the handler from running). This escapes the bytes `&`, `<`, `>`, `"` and `'`
/// wherever they stand, whatever follows them, into the same entities, and is much faster.
public enum SafeHTML {
    /// The `CONTENT_TYPE` pragma value that selects this escaping.
    static let contentTypeName = "SENIM_SAFE_HTML"

    private static let registered: Void = {
        MustacheContentTypes.register(ContentType(), named: contentTypeName)
    }()

    /// `text` with `& < > " '` replaced by `&amp; &lt; &gt; &quot; &#39;`.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { entity(for: $0) != nil }) else { return text }
        var text = text
        return text.withUTF8 { utf8 -> String in
            var escaped: [UInt8] = []
            escaped.reserveCapacity(utf8.count + 64)
            var start = 0
            for index in utf8.indices {
                guard let entity = entity(for: utf8[index]) else { continue }
                escaped.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                escaped.append(
                    contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                start = index + 1
            }
            escaped.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
            return String(decoding: escaped, as: UTF8.self)
        }
    }

    private static func entity(for byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }

    /// A template whose `{{variables}}` are escaped by `escape`.
    public static func template(_ text: String) throws -> MustacheTemplate {
        _ = registered
        return try MustacheTemplate(string: "{{% CONTENT_TYPE: \(contentTypeName)}}" + text)
    }

    /// Every `.mustache` file under `directory`, named by its path without the extension as `MustacheLibrary`
    /// names them, each escaped by `escape` (partials included: each template selects the escaping itself).
    public static func library(directory: String) throws -> MustacheLibrary {
        var library = MustacheLibrary()
        let root = URL(fileURLWithPath: directory)
        guard let paths = FileManager.default.enumerator(atPath: root.path) else { return library }
        for case let path as String in paths where path.hasSuffix(".mustache") {
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            do {
                library.register(try template(text), named: String(path.dropLast(".mustache".count)))
            } catch {
                throw TemplateError(file: path, reason: "\(error)")
            }
        }
        return library
    }

    /// A template that does not parse.
    public struct TemplateError: Error, CustomStringConvertible {
        public let file: String
        public let reason: String
        public var description: String { "\(file): \(reason)" }
    }

    struct ContentType: MustacheContentType {
        func escapeText(_ text: String) -> String { SafeHTML.escape(text) }
    }
}
