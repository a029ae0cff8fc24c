import Foundation
import ReportFormat
import SafetyKeys

/// Fixture keys for tests. TEST ONLY: their passphrase is public, in this file.
public enum TestKeys {
    /// The passphrase of the fixture secret key. TEST ONLY.
    public static let passphrase = "TEST ONLY passphrase, never for real reports"

    /// The fixture folder.
    public static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// `test-only.pub`.
    public static var publicKeyURL: URL { directory.appendingPathComponent("test-only.pub") }
    /// `test-only.key`.
    public static var secretKeyURL: URL { directory.appendingPathComponent("test-only.key") }

    /// The fixture public key.
    public static func publicKey() throws -> SealingPublicKey {
        try SealingPublicKey(contentsOf: publicKeyURL)
    }

    /// The fixture key pair, unlocked.
    public static func keyPair() throws -> SealingKeyPair {
        let file = try SecretKeyFile(fileText: String(contentsOf: secretKeyURL, encoding: .utf8))
        return try SealingKeyPair(file: file, passphrase: Passphrase(passphrase))
    }
}

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

/// A fresh folder removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("senim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The result of running a program.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs a built executable and captures its output.
public enum ProgramRunner {
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
        currentDirectory: URL? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL =
            program.hasPrefix("/")
            ? URL(fileURLWithPath: program) : Repository.binaries.appendingPathComponent(program)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
