import Foundation
import TestSupport
import Testing

/// The one rule that is not a matter of taste: nothing the intake executable links can open a
/// sealed box or load a secret key. These tests fail if that stops being true.
@Suite struct IntakeBoundaryTests {
    /// libsodium functions that open, decrypt, derive or make secret keys; a symbol starting with
    /// any of these has no place in the intake.
    static let forbiddenPrefixes = [
        "crypto_box_seal_open", "crypto_box_open", "crypto_pwhash", "crypto_aead_", "crypto_secretbox_open",
        "crypto_sign_detached", "crypto_box_keypair", "crypto_scalarmult_base", "crypto_box_beforenm",
        "crypto_kx_", "crypto_secretstream_", "crypto_sign_keypair", "crypto_sign_seed_keypair",
    ]

    /// Every symbol name the binary defines or references, static and dynamic, without version suffixes.
    static func symbols(of binary: String) throws -> Set<String> {
        let url = Repository.binaries.appendingPathComponent(binary)
        try #require(
            FileManager.default.isExecutableFile(atPath: url.path),
            "\(url.path) is missing: run `swift build --build-tests` first")
        let nm = try #require(
            ["/usr/bin/nm", "/usr/local/bin/nm", "/bin/nm"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "nm is needed to read the binary's symbols")
        var names: Set<String> = []
        for arguments in [[url.path], ["-D", url.path]] {
            let result = try ProgramRunner.run(nm, arguments)
            try #require(result.status == 0, "nm \(arguments.joined(separator: " ")) failed: \(result.stderr)")
            for line in result.stdout.split(separator: "\n") {
                guard let last = line.split(separator: " ").last else { continue }
                names.insert(String(last.split(separator: "@").first ?? last))
            }
        }
        return names
    }

    @Test func theIntakeBinarySealsButCannotOpen() throws {
        let symbols = try Self.symbols(of: "senim-intake")
        // Positive control: the symbol reader sees libsodium in this binary at all.
        #expect(symbols.contains("crypto_box_seal"))
        let forbidden = symbols.filter { symbol in Self.forbiddenPrefixes.contains { symbol.hasPrefix($0) } }
        #expect(forbidden.isEmpty, "senim-intake references \(forbidden.sorted())")
    }

    @Test func theIntakeBinaryLinksNoSecretKeyCode() throws {
        let symbols = try Self.symbols(of: "senim-intake")
        // Positive control: Swift symbols are readable, mangled with their module's name.
        #expect(symbols.contains { $0.contains("12IntakeServer") })
        let secretKeyCode = symbols.filter { $0.contains("10SafetyKeys") || $0.contains("10TriageCLI") }
        #expect(secretKeyCode.isEmpty, "senim-intake links \(secretKeyCode.sorted().prefix(5))")
    }

    @Test func theTriageBinaryIsWhereOpeningLives() throws {
        // The control for the two tests above: the same reading finds opening code where it belongs.
        let symbols = try Self.symbols(of: "senim")
        #expect(symbols.contains("crypto_box_seal_open"))
        #expect(symbols.contains { $0.contains("10SafetyKeys") })
    }

    static let intakeSourceFolders = ["Sources/IntakeServer", "Sources/senim-intake", "Sources/ReportFormat"]

    static func swiftFiles(in folder: String) throws -> [URL] {
        let root = Repository.root.appendingPathComponent(folder)
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    /// Lines of Swift source that bring secret-key code or opening into a module.
    static func violations(in source: String) -> [String] {
        source.split(separator: "\n").map(String.init).filter { line in
            let code = line.trimmingCharacters(in: .whitespaces)
            if code.hasPrefix("//") { return false }
            let importsSecrets =
                code.contains("import ")
                && (code.contains("SafetyKeys") || code.contains("TriageCLI"))
            return importsSecrets || code.contains("seal_open") || code.contains("pwhash")
                || code.contains("crypto_box_open") || code.contains("crypto_box_keypair")
        }
    }

    @Test(arguments: intakeSourceFolders)
    func theIntakeSourcesNeverImportSecretKeyCode(folder: String) throws {
        let files = try Self.swiftFiles(in: folder)
        #expect(!files.isEmpty, "no Swift files under \(folder)")
        for file in files {
            let found = Self.violations(in: try String(contentsOf: file, encoding: .utf8))
            #expect(found.isEmpty, "\(file.lastPathComponent): \(found)")
        }
    }

    @Test func theSourceScanFindsWhatItLooksFor() throws {
        // The control for the scan: the triage side's sources do what the intake's must not.
        let triage = try Self.swiftFiles(in: "Sources/SafetyKeys") + Self.swiftFiles(in: "Sources/TriageCLI")
        let found = try triage.flatMap { Self.violations(in: try String(contentsOf: $0, encoding: .utf8)) }
        #expect(found.contains { $0.contains("crypto_box_seal_open") })
        #expect(found.contains { $0.contains("import SafetyKeys") })
        #expect(Self.violations(in: "@testable import SafetyKeys\nimport struct SafetyKeys.SecureBytes").count == 2)
        #expect(Self.violations(in: "// import SafetyKeys is forbidden here").isEmpty)
    }

    @Test func thePackageGivesTheIntakeNoPathToSecretKeyCode() throws {
        let manifest = try PackageManifest(
            text: String(contentsOf: Repository.root.appendingPathComponent("Package.swift"), encoding: .utf8))
        let intakeServer = try #require(manifest.dependencies["IntakeServer"])
        let intakeExecutable = try #require(manifest.dependencies["senim-intake"])
        #expect(intakeServer.contains("ReportFormat"))
        #expect(intakeExecutable.contains("IntakeServer"))
        for target in ["IntakeServer", "senim-intake"] {
            let direct = manifest.dependencies[target] ?? []
            #expect(!direct.contains("SafetyKeys") && !direct.contains("TriageCLI"), "\(target): \(direct)")
            let reachable = manifest.closure(of: target)
            #expect(!reachable.contains("SafetyKeys") && !reachable.contains("TriageCLI"), "\(target): \(reachable)")
        }
        // The control: the same reading finds the path the triage side does have.
        #expect(manifest.closure(of: "senim").contains("SafetyKeys"))
    }

    /// The regulation's logic stands apart from storage and cryptography (issue 14): its tests need no journal, and
    /// a rule cannot quietly come to depend on how a row is stored.
    @Test func theRulesReachNoDatabaseAndNoCryptography() throws {
        let manifest = try PackageManifest(
            text: String(contentsOf: Repository.root.appendingPathComponent("Package.swift"), encoding: .utf8))
        #expect(manifest.dependencies["SafeguardingRules"] != nil, "the target exists")
        let reachable = manifest.closure(of: "SafeguardingRules")
        for forbidden in ["GRDB", "CSodium", "ReportFormat", "SafetyKeys", "Spool", "Journal"] {
            #expect(!reachable.contains(forbidden), "SafeguardingRules reaches \(forbidden)")
        }
        #expect(manifest.closure(of: "Journal").isSuperset(of: ["GRDB", "CSodium", "SafeguardingRules"]), "control")
        for file in try Self.swiftFiles(in: "Sources/SafeguardingRules") {
            let source = try String(contentsOf: file, encoding: .utf8)
            for module in ["GRDB", "CSodium", "ReportFormat", "SafetyKeys", "Spool", "Journal"] {
                #expect(
                    source.firstMatch(of: try Regex("(?m)^\\s*(@testable\\s+)?import\\s+(\\w+\\s+)?\(module)\\b"))
                        == nil,
                    "\(file.lastPathComponent) imports \(module)")
            }
        }
        // The control: the same pattern finds an import where there is one.
        let journalFile = try String(
            contentsOf: Repository.root.appendingPathComponent("Sources/Journal/Ledger/Ledger.swift"), encoding: .utf8)
        #expect(journalFile.firstMatch(of: try Regex("(?m)^\\s*(@testable\\s+)?import\\s+(\\w+\\s+)?GRDB\\b")) != nil)
    }
}

/// Targets and their dependency names, read from the text of `Package.swift`.
struct PackageManifest {
    let dependencies: [String: [String]]

    init(text: String) throws {
        var dependencies: [String: [String]] = [:]
        for kind in [".target(", ".executableTarget(", ".testTarget(", ".systemLibrary("] {
            var searchStart = text.startIndex
            while let open = text.range(of: kind, range: searchStart..<text.endIndex) {
                let body = try Self.balanced(text, from: text.index(before: open.upperBound), open: "(", close: ")")
                searchStart = body.endIndex
                let name = try #require(body.firstMatch(of: #/name:\s*"([^"]+)"/#)).1
                var names: [String] = []
                if let list = body.range(of: "dependencies:") {
                    let bracket = try #require(body[list.upperBound...].firstIndex(of: "["))
                    let deps = try Self.balanced(text, from: bracket, open: "[", close: "]")
                    // `.product(name: "X", package: "Y")` names X; a plain string names a target.
                    names = deps.matches(of: #/"([^"]+)"/#).map { String($0.1) }
                }
                dependencies[String(name)] = names
            }
        }
        self.dependencies = dependencies
    }

    /// Every target reachable from `target` within the package.
    func closure(of target: String) -> Set<String> {
        var seen: Set<String> = []
        var queue = dependencies[target] ?? []
        while let next = queue.popLast() {
            guard seen.insert(next).inserted else { continue }
            queue += dependencies[next] ?? []
        }
        return seen
    }

    /// The text from `start` (an opening bracket) to its matching closing bracket, skipping strings.
    static func balanced(_ text: String, from start: String.Index, open: Character, close: Character) throws
        -> Substring
    {
        var depth = 0
        var inString = false
        var index = start
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" {
                inString.toggle()
            } else if !inString {
                if character == open { depth += 1 }
                if character == close {
                    depth -= 1
                    if depth == 0 { return text[start...index] }
                }
            }
            index = text.index(after: index)
        }
        throw PackageManifestError.unbalanced(String(open))
    }
}

enum PackageManifestError: Error {
    case unbalanced(String)
}
