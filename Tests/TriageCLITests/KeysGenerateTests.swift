import Foundation
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

/// A passphrase of 22 characters but 40 bytes: the minimum counts characters.
private let passphrase = "мектеп қауіпсіздігі 26"

@Suite struct GeneratingKeys {
    let out: TemporaryDirectory
    let passphraseFile: PassphraseFile
    init() throws {
        out = try TemporaryDirectory()
        passphraseFile = try PassphraseFile(passphrase + "\n")
    }

    private func generate(_ extra: [String] = [], environment: [String: String] = [:]) throws -> ProcessResult {
        try senim(
            ["keys", "generate", "--out", out.url.path, "--passphrase-file", passphraseFile.path] + extra,
            environment: environment)
    }

    @Test func createsAPublicKeyAndAnEncryptedSecretKeyThatMatch() throws {
        let result = try generate()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr == "")
        #expect(try listing(out) == ["safety-service.key", "safety-service.pub"])

        let publicPath = out.path("safety-service.pub")
        let secretPath = out.path("safety-service.key")
        let publicKey = try SealingPublicKey(contentsOf: URL(fileURLWithPath: publicPath))
        #expect(result.stdout.contains(publicPath))
        #expect(result.stdout.contains(secretPath))
        #expect(result.stdout.contains(publicKey.keyID.hex))
        #expect(try permissions(secretPath) == 0o600)
        #expect(try permissions(publicPath) == 0o644)

        let secretText = try String(contentsOfFile: secretPath, encoding: .utf8)
        #expect(!secretText.contains(passphrase))
        let file = try SecretKeyFile(fileText: secretText)
        #expect(file.wrapped.keyID == publicKey.keyID)
        // Never weaker than libsodium's MODERATE limits.
        #expect(file.wrapped.parameters.opsLimit >= 3)
        #expect(file.wrapped.parameters.memLimit >= 256 << 20)

        let pair = try SealingKeyPair(file: file, passphrase: PassphraseReader.read(fromFile: passphraseFile.path))
        #expect(pair.publicKey == publicKey)
        let report = Report(
            language: .ru, receivedHour: "2026-11-22T03:00:00Z", reporter: .studentSelf, what: [.bullying],
            place: nil, timing: nil, inDanger: false, classOrGrade: nil, text: "Проверка ключа.", names: nil,
            contact: nil)
        #expect(try pair.open(ReportSealer(recipient: publicKey).seal(report)) == report)
    }

    @Test func secretKeyDoesNotUnlockWithAnotherPassphrase() throws {
        #expect(try generate().status == 0)
        let file = try SecretKeyFile(
            fileText: String(contentsOfFile: out.path("safety-service.key"), encoding: .utf8))
        #expect(throws: SecretKeyError.wrongPassphrase) {
            try SealingKeyPair(file: file, passphrase: Passphrase(passphrase + " "))
        }
    }

    @Test func nameChangesTheFileNames() throws {
        let result = try generate(["--name", "school-7"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try listing(out) == ["school-7.key", "school-7.pub"])
        #expect(result.stdout.contains(out.path("school-7.pub")))
        #expect(result.stdout.contains(out.path("school-7.key")))
        let publicKey = try SealingPublicKey(contentsOf: URL(fileURLWithPath: out.path("school-7.pub")))
        #expect(result.stdout.contains(publicKey.keyID.hex))
    }

    @Test func secondRunWithoutForceChangesNothing() throws {
        #expect(try generate().status == 0)
        let secretPath = out.path("safety-service.key")
        let publicPath = out.path("safety-service.pub")
        let secretBefore = try Data(contentsOf: URL(fileURLWithPath: secretPath))
        let publicBefore = try Data(contentsOf: URL(fileURLWithPath: publicPath))

        let again = try generate()
        #expect(again.status == 1)
        #expect(again.stdout == "")
        #expect(again.stderr.hasPrefix("senim: error: "))
        #expect(again.stderr.contains("\nhint: "))
        #expect(again.stderr == (try expectedError("en", "error.exists", hint: "hint.exists", ["path": secretPath])))
        #expect(try Data(contentsOf: URL(fileURLWithPath: secretPath)) == secretBefore)
        #expect(try Data(contentsOf: URL(fileURLWithPath: publicPath)) == publicBefore)
        #expect(try listing(out) == ["safety-service.key", "safety-service.pub"])
    }

    @Test func existingPublicKeyAloneAlsoStopsTheRun() throws {
        let publicPath = out.path("safety-service.pub")
        try Data("# someone else's key\n".utf8).write(to: URL(fileURLWithPath: publicPath))
        let result = try generate()
        #expect(result.status == 1)
        #expect(result.stderr == (try expectedError("en", "error.exists", hint: "hint.exists", ["path": publicPath])))
        #expect(try listing(out) == ["safety-service.pub"])
        #expect(try String(contentsOfFile: publicPath, encoding: .utf8) == "# someone else's key\n")
    }

    @Test func forceReplacesBothFilesWithANewKey() throws {
        #expect(try generate().status == 0)
        let publicPath = URL(fileURLWithPath: out.path("safety-service.pub"))
        let oldKey = try SealingPublicKey(contentsOf: publicPath)

        let result = try generate(["--force"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let newKey = try SealingPublicKey(contentsOf: publicPath)
        #expect(newKey.keyID != oldKey.keyID)
        #expect(result.stdout.contains(newKey.keyID.hex))
        #expect(try listing(out) == ["safety-service.key", "safety-service.pub"])
        #expect(try permissions(out.path("safety-service.key")) == 0o600)
        let file = try SecretKeyFile(
            fileText: String(contentsOfFile: out.path("safety-service.key"), encoding: .utf8))
        #expect(file.wrapped.keyID == newKey.keyID)
    }
}

@Suite struct RefusingToGenerateKeys {
    let out: TemporaryDirectory
    init() throws { out = try TemporaryDirectory() }

    @Test(arguments: ["short", "123456789", "пароль123", "қазақ тіл"])
    func passphraseUnderTenCharactersIsRefusedAndNothingIsWritten(short: String) throws {
        let file = try PassphraseFile(short + "\n")
        let result = try senim(["keys", "generate", "--out", out.url.path, "--passphrase-file", file.path])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == (try expectedError("en", "error.weak_passphrase", hint: "hint.weak_passphrase", ["min": "10"])))
        #expect(try listing(out) == [])
    }

    @Test func missingOutIsAUsageError() throws {
        let result = try senim(["keys", "generate"])
        #expect(result.status == 64)
        #expect(
            result.stderr
                == "senim: error: senim keys generate needs --out\nhint: see what it takes with: senim keys generate --help\n"
        )
    }

    @Test func unknownLanguageIsAUsageError() throws {
        let result = try senim(["keys", "generate", "--out", out.url.path, "--lang", "de"])
        #expect(result.status == 64)
        #expect(
            result.stderr
                == "senim: error: senim keys generate cannot run as typed: --lang must be kk, ru or en\n"
                + "hint: see what it takes with: senim keys generate --help\n")
    }

    @Test func missingOutputFolderIsAnErrorWithAHint() throws {
        let missing = out.path("no-such-folder")
        let result = try senim(["keys", "generate", "--out", missing, "--passphrase-file", "/dev/null"])
        #expect(result.status == 1)
        #expect(
            result.stderr == (try expectedError("en", "error.no_folder", hint: "hint.no_folder", ["path": missing])))
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func nonexistentRootFolderIsAnErrorWithAHint() throws {
        let result = try senim(["keys", "generate", "--out", "/nonexistent"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("senim: error: "))
        #expect(result.stderr.contains("/nonexistent"))
        #expect(result.stderr.contains("\nhint: "))
    }

    @Test func fileGivenAsTheOutputFolderIsRefused() throws {
        let file = out.path("not-a-folder")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let result = try senim(["keys", "generate", "--out", file, "--passphrase-file", "/dev/null"])
        #expect(result.status == 1)
        #expect(result.stderr == (try expectedError("en", "error.no_folder", hint: "hint.no_folder", ["path": file])))
    }

    @Test(arguments: ["../x", "a/b", ".hidden", "", "x y", ".."])
    func nameThatIsNotAPlainFileNameIsRefused(name: String) throws {
        let inner = try TemporaryDirectory()
        let file = try PassphraseFile("a long enough passphrase\n")
        let result = try senim(
            ["keys", "generate", "--out", inner.url.path, "--name", name, "--passphrase-file", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("senim: error: "))
        #expect(result.stderr.contains("\nhint: "))
        #expect(try listing(inner) == [])
        #expect(
            !FileManager.default.fileExists(
                atPath: inner.url.deletingLastPathComponent().appendingPathComponent("x.key").path))
    }

    @Test func pathTraversalNameGetsTheBadNameMessage() throws {
        let file = try PassphraseFile("a long enough passphrase\n")
        let result = try senim(
            ["keys", "generate", "--out", out.url.path, "--name", "../x", "--passphrase-file", file.path])
        #expect(result.stderr == (try expectedError("en", "error.bad_name", hint: "hint.bad_name", ["name": "../x"])))
    }

    @Test func missingPassphraseFileIsNamedInTheError() throws {
        let missing = out.path("no-passphrase.txt")
        let result = try senim(["keys", "generate", "--out", out.url.path, "--passphrase-file", missing])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == (try expectedError(
                    "en", "error.passphrase_file", hint: "hint.passphrase_file",
                    ["path": missing, "reason": String(cString: strerror(ENOENT))])))
        #expect(try listing(out) == [])
    }

    @Test func emptyPassphraseFileIsRefused() throws {
        let file = try PassphraseFile("\n")
        let result = try senim(["keys", "generate", "--out", out.url.path, "--passphrase-file", file.path])
        #expect(result.status == 1)
        #expect(
            result.stderr == (try expectedError("en", "error.empty_passphrase", hint: "hint.empty_passphrase")))
        #expect(try listing(out) == [])
    }

    @Test func withoutAPassphraseFileOrATerminalItSaysSo() throws {
        // `setsid` starts a new session with no controlling terminal, so /dev/tty cannot be opened even when
        // the tests themselves run in one; stdin is a pipe.
        let result = try ProgramRunner.run(
            "/usr/bin/setsid",
            [
                "--wait", Repository.binaries.appendingPathComponent("senim").path, "keys", "generate", "--out",
                out.url.path,
            ],
            environment: ["SENIM_LANG": "en"], stdin: "a long enough passphrase\n")
        #expect(result.status == 1)
        #expect(result.stderr == (try expectedError("en", "error.no_terminal", hint: "hint.no_terminal")))
        #expect(try listing(out) == [])
    }
}
