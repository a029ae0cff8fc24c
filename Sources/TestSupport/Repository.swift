import Foundation

/// The repository's root folder, found from this source file's place in it.
public enum Repository {
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// `Web/`.
    public static var web: URL { root.appendingPathComponent("Web") }

    /// Where the built executables are: beside the test bundle.
    public static var binaries: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            root.appendingPathComponent(".build/debug"),
        ]
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("senim").path) {
            return candidate
        }
        return root.appendingPathComponent(".build/debug")
    }

    /// Folder for artifacts a person may want to look at after a run (screenshots).
    public static var artifacts: URL {
        let url = root.appendingPathComponent(".build/test-artifacts")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
