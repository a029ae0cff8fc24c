import Foundation
import TestSupport
import Testing

/// `--help` output compared with committed snapshots in `Tests/TriageCLITests/Snapshots/`.
///
/// To regenerate a snapshot after a deliberate change to the help text: delete its `.txt` file and run
/// `SENIM_RECORD_SNAPSHOTS=1 swift test --filter HelpSnapshots`. A recording run writes the missing files and
/// fails, to remind you to review the new text (`git diff`) and run the tests again without the variable.
/// Help is rendered at `COLUMNS=80`, so the snapshot does not depend on the terminal the tests run in.
@Suite struct HelpSnapshots {
    static let recording = ProcessInfo.processInfo.environment["SENIM_RECORD_SNAPSHOTS"] == "1"
    static let folder = Repository.root.appendingPathComponent("Tests/TriageCLITests/Snapshots")

    @Test(arguments: [
        (["--help"], "senim-help"),
        (["keys", "--help"], "senim-keys-help"),
        (["keys", "generate", "--help"], "senim-keys-generate-help"),
    ])
    func helpMatchesTheSnapshot(arguments: [String], snapshot: String) throws {
        let result = try senim(arguments)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        try Self.compare(result.stdout, with: snapshot)
    }

    @Test func helpSubcommandPrintsTheSameAsTheFlag() throws {
        #expect(try senim(["help", "keys", "generate"]).stdout == (try senim(["keys", "generate", "--help"])).stdout)
    }

    static func compare(
        _ actual: String, with name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let url = folder.appendingPathComponent("\(name).txt")
        guard FileManager.default.fileExists(atPath: url.path) else {
            if recording {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: url)
                Issue.record(
                    "recorded a new snapshot at \(url.path); review it and run again", sourceLocation: sourceLocation)
            } else {
                Issue.record(
                    "no snapshot at \(url.path); record it with SENIM_RECORD_SNAPSHOTS=1",
                    sourceLocation: sourceLocation)
            }
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if actual != expected {
            let message =
                "help differs from \(name).txt (delete the file and record again if the change is deliberate):\n"
                + difference(expected: expected, actual: actual)
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }

    /// The first differing line, with its neighbours, to make a failure readable.
    static func difference(expected: String, actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
        let range = max(0, first - 1)..<(first + 2)
        let shown = range.map { index in
            let o = index < old.count ? String(old[index]) : "<end>"
            let n = index < new.count ? String(new[index]) : "<end>"
            return o == n ? "  \(o)" : "- \(o)\n+ \(n)"
        }
        return "line \(first + 1):\n" + shown.joined(separator: "\n")
    }
}
