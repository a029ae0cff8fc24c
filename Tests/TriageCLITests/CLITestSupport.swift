import Foundation
import TestSupport

/// The `senim` message table of a language, read from the source tree.
func messageTable(_ language: String) throws -> [String: String] {
    let url = Repository.root.appendingPathComponent("Sources/TriageCLI/Resources/\(language).json")
    return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
}

/// The stderr `senim` prints for an error: `senim: error: …` and `hint: …`, from the message table.
func expectedError(
    _ language: String, _ key: String, hint: String, _ values: [String: String] = [:]
) throws -> String {
    let table = try messageTable(language)
    func fill(_ key: String) throws -> String {
        guard var text = table[key] else { throw MissingMessage(key: key, language: language) }
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }
    return "senim: error: \(try fill(key))\nhint: \(try fill(hint))\n"
}

struct MissingMessage: Error {
    let key: String
    let language: String
}

/// The permission bits of a file.
func permissions(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// The names in a folder, sorted.
func listing(_ folder: TemporaryDirectory) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
}
