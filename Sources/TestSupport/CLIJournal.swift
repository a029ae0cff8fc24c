import Foundation
import ReportFormat
import Spool

/// Runs the built `senim` as a user would. Messages are in English unless the test says otherwise, whatever the
/// locale of the machine running the tests; `COLUMNS` fixes the width help text is wrapped to.
public func senim(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
    var env = ["SENIM_LANG": "en", "COLUMNS": "80"]
    for (key, value) in environment { env[key] = value }
    return try ProgramRunner.run("senim", arguments, environment: env)
}

/// A folder holding a passphrase file, kept apart from the folder keys are written to.
public struct PassphraseFile: Sendable {
    public let folder: TemporaryDirectory
    public let path: String

    public init(_ contents: String) throws {
        folder = try TemporaryDirectory()
        path = folder.path("passphrase.txt")
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// A test that went wrong before it could check anything.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A fresh journal made by the real `senim init` in a temporary folder, with the entries `senim register` made
/// from each list of flags: the one journal fixture of the command-line tests.
public struct CLIJournal: Sendable {
    /// The lead's passphrase. TEST ONLY.
    public static let passphrase = "the lead's own long passphrase"

    public let folder: TemporaryDirectory
    public let secret: PassphraseFile
    public var path: String { folder.path("journal") }
    public var passphraseFile: String { secret.path }
    /// The options that open this journal.
    public var args: [String] { ["--journal", path, "--passphrase-file", secret.path] }

    public init(entries: [[String]] = [["--type", "bullying"]], passphrase: String = CLIJournal.passphrase) throws {
        folder = try TemporaryDirectory()
        secret = try PassphraseFile(passphrase)
        let created = try senim(["init", "--journal", folder.path("journal"), "--passphrase-file", secret.path])
        guard created.status == 0 else { throw TestFailure("senim init failed: \(created.stderr)") }
        for flags in entries {
            let made = try run(
                ["register", "--channel", "phone", "--reporter-role", "parent", "--text", "Звонок мамы", "--no-input"]
                    + flags)
            guard made.status == 0 else { throw TestFailure("senim register failed: \(made.stderr)") }
        }
    }

    /// `senim` on this journal as its lead, unlocked with the passphrase file, on a fixed school morning.
    public func run(_ arguments: [String], lang: String = "en") throws -> ProcessResult {
        try senim(
            arguments + ["--journal", path, "--as", "lead", "--passphrase-file", secret.path],
            environment: ["SENIM_LANG": lang, "SENIM_NOW": "2026-11-23T05:00:00Z"])
    }

    /// Runs `senim` with the journal options, at the real time, and decodes its JSON output.
    public func json<T: Decodable>(_ type: T.Type, _ arguments: [String]) throws -> T {
        let result = try senim(arguments + args + ["--json"])
        guard result.status == 0 else { throw TestFailure("senim \(arguments) failed: \(result.stderr)") }
        return try JSONDecoder().decode(T.self, from: Data(result.stdout.utf8))
    }

    /// A file in the journal's folder holding `json`.
    public func answersFile(_ json: String) throws -> String {
        let path = folder.path("answers-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The safety service's public key, as `senim init` wrote it.
    public func servicePublicKey() throws -> SealingPublicKey {
        try SealingPublicKey(contentsOf: URL(fileURLWithPath: folder.path("journal/safety-service.pub")))
    }

    /// Seals `reports` to the journal's key into a spool as the intake leaves it, and runs `senim pull` on it.
    public func pull(_ reports: [Report]) async throws -> ProcessResult {
        let spool = try SpoolDatabase(path: folder.path("spool.sqlite"))
        let key = try servicePublicKey()
        try await spool.append(try reports.map { try sealedEntry($0, to: key) })
        return try senim(["pull", "--spool", folder.path("spool.sqlite")] + args)
    }
}
