import Foundation
import SafetyKeys
import TestSupport
import Testing

@Suite struct ComparingPassphrases {
    @Test func equalPassphrasesMatch() {
        #expect(Passphrase("жаңа құпия сөз").matches(Passphrase("жаңа құпия сөз")))
        #expect(Passphrase("").matches(Passphrase("")))
    }

    @Test(arguments: [
        ("correct horse", "correct horsf"),
        ("correct horse", "correct horse "),
        ("correct horse", "correct hors"),
        ("пароль", "парол"),
        ("", "a"),
    ])
    func differentPassphrasesDoNotMatch(first: String, second: String) {
        #expect(!Passphrase(first).matches(Passphrase(second)))
        #expect(!Passphrase(second).matches(Passphrase(first)))
    }
}

@Suite struct CountingPassphraseCharacters {
    @Test(arguments: [
        ("abcdefghij", 10, 10),
        ("пароль", 6, 12),
        ("құпия сөз", 9, 17),
        ("мектеп👍", 7, 16),
        ("", 0, 0),
    ])
    func countsUnicodeScalarsNotBytes(text: String, characters: Int, bytes: Int) {
        let passphrase = Passphrase(text)
        #expect(passphrase.characterCount == characters)
        #expect(passphrase.length == bytes)
    }

    @Test func tenCyrillicLettersAreTenCharactersThoughTwentyBytes() {
        let passphrase = Passphrase("абвгдеёжзи")
        #expect(passphrase.characterCount == 10)
        #expect(passphrase.length == 20)
    }
}

@Suite struct ReadingAPassphraseFile {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    private func file(_ bytes: [UInt8]) throws -> String {
        let path = folder.path("passphrase-\(UUID().uuidString)")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func file(_ text: String) throws -> String { try file(Array(text.utf8)) }

    @Test(arguments: [
        ("mektep kilti ushin\n", "mektep kilti ushin"),
        ("mektep kilti ushin\r\n", "mektep kilti ushin"),
        ("mektep kilti ushin", "mektep kilti ushin"),
        ("first line\nsecond line\n", "first line"),
        ("one newline only\n\n", "one newline only"),
        ("one CR only\r\r\n", "one CR only\r"),
        ("  spaces are kept  \n", "  spaces are kept  "),
        ("қазақша құпия сөз\n", "қазақша құпия сөз"),
    ])
    func readsTheFirstLineWithoutItsLineEnding(contents: String, expected: String) throws {
        let passphrase = try PassphraseReader.read(fromFile: try file(contents))
        #expect(passphrase.length == expected.utf8.count)
        #expect(passphrase.matches(Passphrase(expected)))
    }

    @Test(arguments: ["", "\n", "\r\n"])
    func emptyFirstLineIsEmpty(contents: String) throws {
        let path = try file(contents)
        #expect(throws: PassphraseError.empty) { try PassphraseReader.read(fromFile: path) }
    }

    @Test func missingFileIsUnreadable() {
        let path = folder.path("does-not-exist")
        #expect(throws: PassphraseError.unreadableFile(path: path, reason: String(cString: strerror(ENOENT)))) {
            try PassphraseReader.read(fromFile: path)
        }
    }

    @Test func folderIsUnreadableNotEmpty() {
        let path = folder.url.path
        #expect(throws: PassphraseError.unreadableFile(path: path, reason: String(cString: strerror(EISDIR)))) {
            try PassphraseReader.read(fromFile: path)
        }
    }

    @Test func lineOfTwoThousandBytesIsTooLong() throws {
        let path = try file(String(repeating: "a", count: 2000) + "\n")
        #expect(throws: PassphraseError.tooLong(max: PassphraseReader.maximumLength)) {
            try PassphraseReader.read(fromFile: path)
        }
    }

    @Test func oneByteOverTheLimitIsTooLong() throws {
        let path = try file(String(repeating: "a", count: PassphraseReader.maximumLength + 1))
        #expect(throws: PassphraseError.tooLong(max: PassphraseReader.maximumLength)) {
            try PassphraseReader.read(fromFile: path)
        }
    }

    @Test(arguments: ["", "\n", "\r\n"])
    func passphraseOfExactlyTheLimitIsAcceptedWhateverItsLineEnding(ending: String) throws {
        let text = String(repeating: "ж", count: PassphraseReader.maximumLength / 2)
        let passphrase = try PassphraseReader.read(fromFile: try file(text + ending))
        #expect(passphrase.length == PassphraseReader.maximumLength)
        #expect(passphrase.matches(Passphrase(text)))
    }

    @Test func limitAppliesToBytesSoACRBeyondTheLimitIsNotSwallowed() throws {
        // 1025 bytes whose last byte is a CR, with no LF after it: still one byte too many.
        let path = try file(String(repeating: "a", count: PassphraseReader.maximumLength) + "\r\r\n")
        #expect(throws: PassphraseError.tooLong(max: PassphraseReader.maximumLength)) {
            try PassphraseReader.read(fromFile: path)
        }
    }
}
