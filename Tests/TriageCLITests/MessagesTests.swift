import Foundation
import ReportFormat
import TestSupport
import Testing
import TriageCLI

private let languages = ["kk", "ru", "en"]

@Suite struct LocalisedMessages {
    let out: TemporaryDirectory
    let shortPassphrase: PassphraseFile
    init() throws {
        out = try TemporaryDirectory()
        shortPassphrase = try PassphraseFile("қысқа\n")
    }

    private func weakPassphraseRun(_ extra: [String] = [], environment: [String: String]) throws -> ProcessResult {
        try senim(
            ["keys", "generate", "--out", out.url.path, "--passphrase-file", shortPassphrase.path] + extra,
            environment: environment)
    }

    @Test func langOptionGivesRussian() throws {
        let result = try weakPassphraseRun(["--lang", "ru"], environment: ["SENIM_LANG": "en"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == (try expectedError("ru", "error.weak_passphrase", hint: "hint.weak_passphrase", ["min": "10"])))
        #expect(result.stderr.contains("парольная фраза слишком короткая"))
    }

    @Test func senimLangVariableGivesKazakh() throws {
        let result = try weakPassphraseRun(environment: ["SENIM_LANG": "kk"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == (try expectedError("kk", "error.weak_passphrase", hint: "hint.weak_passphrase", ["min": "10"])))
        #expect(result.stderr.contains("тым қысқа"))
    }

    @Test func langOptionWinsOverTheVariable() throws {
        let result = try weakPassphraseRun(["--lang", "ru"], environment: ["SENIM_LANG": "kk"])
        #expect(result.stderr.contains("слишком короткая"))
        #expect(!result.stderr.contains("тым қысқа"))
    }

    @Test func localeIsUsedWhenSenimLangIsUnset() throws {
        let result = try weakPassphraseRun(environment: ["SENIM_LANG": "", "LC_ALL": "ru_RU.UTF-8"])
        #expect(result.stderr.contains("слишком короткая"))
    }

    @Test func unsupportedLocaleFallsBackToEnglish() throws {
        let result = try weakPassphraseRun(
            environment: ["SENIM_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "de_DE.UTF-8"])
        #expect(
            result.stderr
                == (try expectedError("en", "error.weak_passphrase", hint: "hint.weak_passphrase", ["min": "10"])))
    }

    @Test func errorsNamingAPathAreLocalisedToo() throws {
        let missing = out.path("нет-такой-папки")
        let result = try senim(
            ["keys", "generate", "--out", missing, "--lang", "kk"], environment: ["SENIM_LANG": "en"])
        #expect(result.status == 1)
        #expect(
            result.stderr == (try expectedError("kk", "error.no_folder", hint: "hint.no_folder", ["path": missing])))
        #expect(result.stderr.contains("қалтасы жоқ"))
    }

    @Test func languageIsChosenFromTheEnvironmentInOrder() {
        #expect(Messages.languageFromEnvironment([:]) == .en)
        #expect(Messages.languageFromEnvironment(["SENIM_LANG": "kk", "LC_ALL": "ru_RU.UTF-8"]) == .kk)
        #expect(Messages.languageFromEnvironment(["SENIM_LANG": "xx", "LANG": "ru_KZ.UTF-8"]) == .ru)
        #expect(Messages.languageFromEnvironment(["LC_ALL": "", "LC_MESSAGES": "kk_KZ", "LANG": "ru_RU"]) == .kk)
        #expect(Messages.languageFromEnvironment(["LANG": "C.UTF-8"]) == .en)
    }
}

@Suite struct MessageTables {
    @Test func threeResourceFilesHaveTheSameKeys() throws {
        let kk = Set(try messageTable("kk").keys)
        let ru = Set(try messageTable("ru").keys)
        let en = Set(try messageTable("en").keys)
        #expect(!en.isEmpty)
        #expect(kk.symmetricDifference(en).sorted() == [])
        #expect(ru.symmetricDifference(en).sorted() == [])
    }

    @Test func bundledTablesLoadWithTheSameKeysAsTheSourceTree() throws {
        for language in [Language.kk, .ru, .en] {
            #expect(Messages(language: language).keys == Set(try messageTable(language.rawValue).keys))
        }
    }

    @Test func everyTranslationKeepsThePlaceholdersOfTheEnglish() throws {
        let english = try messageTable("en")
        for language in ["kk", "ru"] {
            let table = try messageTable(language)
            for (key, text) in english {
                #expect(placeholders(table[key] ?? "") == placeholders(text), "\(language): \(key)")
            }
        }
    }

    @Test func errorsAndHintsAreLowercaseWithoutATrailingPeriod() throws {
        for language in languages {
            for (key, text) in try messageTable(language) where key.hasPrefix("error.") || key.hasPrefix("hint.") {
                let firstLetter = text.first(where: \.isLetter)
                #expect(firstLetter?.isUppercase != true, "\(language): \(key)")
                #expect(!text.hasSuffix("."), "\(language): \(key)")
            }
        }
    }

    @Test func kazakhAndRussianMessagesAreTranslated() throws {
        let english = try messageTable("en")
        for language in ["kk", "ru"] {
            // A single letter (a key to press) may stay as it is; words may not.
            let untranslated = try messageTable(language).filter { key, text in
                text == english[key] && text.filter(\.isLetter).count > 1
            }
            #expect(untranslated.keys.sorted() == [], "\(language).json")
        }
        #expect(try messageTable("ru")["error.weak_passphrase"]?.contains("слишком короткая") == true)
        #expect(try messageTable("kk")["error.weak_passphrase"]?.contains("тым қысқа") == true)
    }

    @Test func everyMessageKeyTheCommandsUseExists() throws {
        let sources = Repository.root.appendingPathComponent("Sources/TriageCLI")
        let files = try #require(FileManager.default.subpaths(atPath: sources.path)).filter { $0.hasSuffix(".swift") }
        var used: Set<String> = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            used.formUnion(messageKeys(in: text))
        }
        #expect(used.contains("error.weak_passphrase"))
        for language in languages {
            let table = try messageTable(language)
            #expect(used.subtracting(table.keys).sorted() == [], "missing in \(language).json")
        }
    }
}

/// The `{name}` placeholders in a message.
private func placeholders(_ text: String) -> Set<String> {
    var found: Set<String> = []
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
        found.insert(String(rest[open...close]))
        rest = rest[rest.index(after: close)...]
    }
    return found
}

/// Keys passed as string literals to a messages table: `m("key"` or `messages("key"`.
private func messageKeys(in source: String) -> Set<String> {
    var keys: Set<String> = []
    for marker in ["m(\"", "messages(\""] {
        var rest = Substring(source)
        while let range = rest.range(of: marker) {
            let before = rest[..<range.lowerBound].last
            rest = rest[range.upperBound...]
            guard before.map({ !$0.isLetter && !$0.isNumber && $0 != "_" }) ?? true,
                let end = rest.firstIndex(of: "\"")
            else { continue }
            let key = String(rest[..<end])
            if !key.isEmpty, key.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" }) {
                keys.insert(key)
            }
        }
    }
    return keys
}

@Suite struct MessagePlaceholders {
    /// A key without a message is its own template.
    let m = Messages(language: .en)

    @Test func everyNamedPlaceholderIsFilledAndOthersAreLeft() {
        let filled = m("{a} и {b}, {unknown} {a}", ["a": "один", "b": "два"])
        #expect(filled == "один и два, {unknown} один")
    }

    @Test func aValueIsNeverSearchedForPlaceholders() {
        #expect(m("«{text}» — {n}", ["text": "{n} and {", "n": "3"]) == "«{n} and {» — 3")
    }

    @Test func unmatchedBracesSurvive() {
        #expect(m("{ {n} } {", ["n": "1"]) == "{ 1 } {")
        #expect(m("no placeholders", ["n": "1"]) == "no placeholders")
    }
}
