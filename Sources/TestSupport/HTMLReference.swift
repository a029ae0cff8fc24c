import Foundation

// The reference HTML escaping the tests compare pages and SafeHTML against, written apart from it.

/// Scalar by scalar, not character by character: a quote followed by a combining mark is one `Character`.
public func escapeHTML(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "&": out += "&amp;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Scalar by scalar: `&quot;` followed by a combining mark ends in one `Character` (`;` and the mark), which a
/// character-wise search would not match.
public func unescapeHTML(_ text: String) -> String {
    let entities: [(String, Unicode.Scalar)] = [
        ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&"),
    ]
    let scalars = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var index = 0
    scan: while index < scalars.count {
        for (entity, scalar) in entities {
            let pattern = Array(entity.unicodeScalars)
            if scalars[index...].starts(with: pattern) {
                out.append(scalar)
                index += pattern.count
                continue scan
            }
        }
        out.append(scalars[index])
        index += 1
    }
    return String(out)
}
