import Foundation
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@Suite struct WrappingASecret {
    @Test func unwrapsWithThePassphraseItWasWrappedWith() throws {
        let pair = SealingKeyPair()
        let file = try pair.wrap(passphrase: Passphrase("сенім құпия сөз"), parameters: .testOnlyInteractive)
        let unlocked = try SealingKeyPair(file: file, passphrase: Passphrase("сенім құпия сөз"))
        #expect(unlocked.publicKey == pair.publicKey)
        #expect(file.wrapped.keyID == pair.publicKey.keyID)
        #expect(file.wrapped.parameters == .testOnlyInteractive)
    }

    @Test func unwrapsAKeyWrappedWithModerateLimits() throws {
        let pair = SealingKeyPair()
        let file = try pair.wrap(passphrase: Passphrase("moderate limits passphrase"))
        #expect(file.wrapped.parameters == .moderate)
        #expect(file.wrapped.parameters.opsLimit >= 3)
        #expect(file.wrapped.parameters.memLimit >= 256 << 20)
        let reparsed = try SecretKeyFile(fileText: file.fileText)
        let unlocked = try SealingKeyPair(file: reparsed, passphrase: Passphrase("moderate limits passphrase"))
        #expect(unlocked.publicKey == pair.publicKey)
    }

    @Test func unwrappedSecretOpensWhatWasSealedToTheOriginalKey() throws {
        let pair = SealingKeyPair()
        let file = try pair.wrap(passphrase: Passphrase("a passphrase"), parameters: cheapestParameters)
        let envelope = try ReportSealer(recipient: pair.publicKey).seal(sampleReport())
        let unlocked = try SealingKeyPair(file: file, passphrase: Passphrase("a passphrase"))
        #expect(try unlocked.open(envelope) == sampleReport())
    }

    @Test func wrappingTwiceUsesFreshSaltAndNonce() throws {
        let pair = SealingKeyPair()
        let first = try pair.wrap(passphrase: Passphrase("same passphrase"), parameters: cheapestParameters)
        let second = try pair.wrap(passphrase: Passphrase("same passphrase"), parameters: cheapestParameters)
        #expect(first.wrapped.salt != second.wrapped.salt)
        #expect(first.wrapped.nonce != second.wrapped.nonce)
        #expect(first.wrapped.ciphertext != second.wrapped.ciphertext)
    }

    @Test func wrongPassphraseIsRefused() throws {
        let pair = SealingKeyPair()
        let file = try pair.wrap(passphrase: Passphrase("the right passphrase"), parameters: .testOnlyInteractive)
        #expect(throws: SecretKeyError.wrongPassphrase) {
            try file.wrapped.unwrap(passphrase: Passphrase("the wrong passphrase"))
        }
        #expect(throws: SecretKeyError.wrongPassphrase) {
            try SealingKeyPair(file: file, passphrase: Passphrase("the right passphrase "))
        }
        #expect(throws: SecretKeyError.wrongPassphrase) {
            try SealingKeyPair(file: file, passphrase: Passphrase(""))
        }
    }

    @Test func secretWrappedUnderAnotherKeyIDIsRefusedAsAMismatch() throws {
        let other = SealingKeyPair()
        let wrapped = try WrappedSecret.wrap(
            secret: randomSecret(), keyID: other.publicKey.keyID, passphrase: Passphrase("passphrase"),
            parameters: cheapestParameters)
        #expect(throws: SecretKeyError.keyIDMismatch) {
            try SealingKeyPair(file: SecretKeyFile(wrapped: wrapped), passphrase: Passphrase("passphrase"))
        }
    }
}

/// One shared wrapped secret, so each tampering case costs only one cheap unwrap.
private let tamperPassphrase = "tamper test passphrase"
private let tamperOriginal: WrappedSecret = {
    let pair = SealingKeyPair()
    return try! pair.wrap(passphrase: Passphrase(tamperPassphrase), parameters: cheapestParameters).wrapped
}()

@Suite struct TamperingWithAWrappedSecret {
    /// What flipping the lowest bit of a byte must cause. The cost fields start at ops 1 and mem 8 MiB, so a
    /// flip either leaves them within bounds (the AEAD then refuses) or takes them out of bounds.
    static func expectedError(flippingByteAt offset: Int) -> SecretKeyError {
        switch offset {
        case WrappedLayout.kdf, WrappedLayout.opsLimit: .unsupportedParameters
        case 9..<13: .wrongPassphrase
        case 13..<17: .unsupportedParameters
        default: .wrongPassphrase
        }
    }

    @Test func sharedSampleHasTheDocumentedLayout() {
        let bytes = tamperOriginal.bytes
        #expect(bytes.count == WrappedLayout.length)
        #expect(bytes[WrappedLayout.kdf] == [1])
        #expect(Array(bytes[WrappedLayout.opsLimit]) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[WrappedLayout.memLimit]) == [0, 0, 0x80, 0, 0, 0, 0, 0])
        #expect(Array(bytes[WrappedLayout.salt]) == tamperOriginal.salt)
        #expect(Array(bytes[WrappedLayout.keyID]) == tamperOriginal.keyID.bytes)
        #expect(Array(bytes[WrappedLayout.nonce]) == tamperOriginal.nonce)
        #expect(Array(bytes[WrappedLayout.ciphertext]) == tamperOriginal.ciphertext)
    }

    @Test(arguments: 0..<WrappedLayout.length)
    func flippedBitNeverYieldsAKey(offset: Int) throws {
        var bytes = tamperOriginal.bytes
        bytes[offset] ^= 0x01
        let line = keyLine(body: bytes)
        #expect(throws: Self.expectedError(flippingByteAt: offset)) {
            let file = try SecretKeyFile(fileText: line)
            _ = try SealingKeyPair(file: file, passphrase: Passphrase(tamperPassphrase))
        }
    }

    @Test(arguments: [WrappedLayout.salt, WrappedLayout.keyID, WrappedLayout.nonce, WrappedLayout.ciphertext])
    func replacedByteInAnAuthenticatedPartIsAWrongPassphrase(part: Range<Int>) throws {
        for offset in [part.lowerBound, part.upperBound - 1] {
            var bytes = tamperOriginal.bytes
            bytes[offset] ^= 0xFF
            let wrapped = try WrappedSecret(bytes: bytes)
            #expect(throws: SecretKeyError.wrongPassphrase) {
                try wrapped.unwrap(passphrase: Passphrase(tamperPassphrase))
            }
        }
    }

    @Test func untamperedSampleStillUnlocks() throws {
        let file = try SecretKeyFile(fileText: keyLine(body: tamperOriginal.bytes))
        let pair = try SealingKeyPair(file: file, passphrase: Passphrase(tamperPassphrase))
        #expect(pair.publicKey.keyID == tamperOriginal.keyID)
    }
}

@Suite struct ParsingASecretKeyFile {
    private var validBody: [UInt8] { tamperOriginal.bytes }

    @Test func parseThenSerialiseReproducesTheKeyLine() throws {
        let line = keyLine(body: validBody)
        let file = try SecretKeyFile(fileText: line + "\n")
        #expect(file.keyLine == line)
        #expect(file.wrapped == tamperOriginal)
    }

    @Test func writtenFileTextParsesBackToTheSameKey() throws {
        var file = SecretKeyFile(wrapped: tamperOriginal, label: "TEST ONLY")
        #expect(file.fileText.contains("# TEST ONLY\n"))
        #expect(file.fileText.hasSuffix(file.keyLine + "\n"))
        file = try SecretKeyFile(fileText: file.fileText)
        #expect(file.wrapped == tamperOriginal)
        #expect(file.label == nil)
    }

    @Test func commentsBlankLinesAndCRLFAroundTheKeyLineAreIgnored() throws {
        let text = "# a comment\r\n\r\n   \(keyLine(body: validBody))  \r\n# another\r\n"
        #expect(try SecretKeyFile(fileText: text).keyLine == keyLine(body: validBody))
    }

    @Test func randomKeyLinesSurviveParseThenSerialise() throws {
        for _ in 0..<200 {
            var body = Sodium.randomBytes(WrappedLayout.length)
            body[0] = 1
            setLittleEndian(UInt64(1 + Sodium.randomUniform(64)), in: &body, at: WrappedLayout.opsLimit.lowerBound)
            setLittleEndian(
                UInt64(8 << 20) + UInt64(Sodium.randomUniform(1 << 30)), in: &body,
                at: WrappedLayout.memLimit.lowerBound)
            let line = keyLine(body: body)
            #expect(try SecretKeyFile(fileText: line).keyLine == line)
        }
    }

    @Test(arguments: [
        ("", "empty file"),
        ("# senim secret key\n# only comments\n", "comments only"),
        ("\n  \n", "blank lines"),
    ])
    func fileWithoutAKeyLineIsMissingIt(text: String, description: String) {
        #expect(throws: SecretKeyError.missingKeyLine) { try SecretKeyFile(fileText: text) }
    }

    @Test func twoKeyLinesAreRefused() {
        let text = keyLine(body: validBody) + "\n" + keyLine(body: validBody) + "\n"
        #expect(throws: SecretKeyError.severalKeyLines) { try SecretKeyFile(fileText: text) }
    }

    @Test func unknownTagIsNamedInTheError() {
        #expect(throws: SecretKeyError.unsupportedTag("senim-secret-2")) {
            try SecretKeyFile(fileText: keyLine(body: validBody, tag: "senim-secret-2"))
        }
        #expect(throws: SecretKeyError.unsupportedTag("senim-public-1")) {
            try SecretKeyFile(fileText: keyLine(body: validBody, tag: "senim-public-1"))
        }
    }

    @Test func overlongUnknownTagIsCutShortInTheError() {
        let tag = String(repeating: "x", count: 500)
        #expect(throws: SecretKeyError.unsupportedTag(String(repeating: "x", count: 32))) {
            try SecretKeyFile(fileText: keyLine(body: validBody, tag: tag))
        }
    }

    @Test(arguments: [
        "senim-secret-1",
        "senim-secret-1 AAAA extra",
        "senim-secret-1 not*base64!",
        "senim-secret-1 QUJD=",
    ])
    func lineThatIsNotTagAndBase64IsMalformed(line: String) {
        #expect(throws: SecretKeyError.malformed) { try SecretKeyFile(fileText: line) }
    }

    @Test(arguments: [0, 1, 112, 114, 200])
    func bodyOfTheWrongLengthIsMalformed(length: Int) {
        var body = [UInt8](repeating: 0, count: length)
        if length > 0 { body[0] = 1 }
        #expect(throws: SecretKeyError.malformed) { try SecretKeyFile(fileText: keyLine(body: body)) }
    }

    @Test func nonCanonicalBase64IsRefusedSoSerialisingReproducesTheInput() throws {
        let line = keyLine(body: validBody)
        // 113 bytes end in one '=' after a character whose two low bits are padding and must be zero.
        #expect(line.hasSuffix("="))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let last = line.index(line.endIndex, offsetBy: -2)
        let value = alphabet.firstIndex(of: line[last])!
        let variant = line.replacingCharacters(in: last...last, with: String(alphabet[value ^ 0x01]))
        let variants = [variant, line + "="]
        for variant in variants {
            // Accepting a variant would be fine only if it reproduced exactly; it cannot, so it must be refused.
            #expect(throws: SecretKeyError.malformed) { try SecretKeyFile(fileText: variant) }
        }
    }

    @Test(arguments: [0x00, 0x02, 0xFF] as [UInt8])
    func unknownKDFAlgorithmIsUnsupported(kdf: UInt8) {
        var body = validBody
        body[0] = kdf
        #expect(throws: SecretKeyError.unsupportedParameters) { try SecretKeyFile(fileText: keyLine(body: body)) }
    }

    @Test(arguments: [0, 65, 1000, UInt64.max] as [UInt64])
    func opsLimitOutsideTheAcceptedRangeIsUnsupported(ops: UInt64) {
        var body = validBody
        setLittleEndian(ops, in: &body, at: WrappedLayout.opsLimit.lowerBound)
        #expect(throws: SecretKeyError.unsupportedParameters) { try SecretKeyFile(fileText: keyLine(body: body)) }
    }

    @Test(arguments: [0, 1 << 10, (8 << 20) - 1, (4 << 30) + 1, 1 << 40, UInt64.max] as [UInt64])
    func memLimitOutsideTheAcceptedRangeIsUnsupported(mem: UInt64) {
        var body = validBody
        setLittleEndian(mem, in: &body, at: WrappedLayout.memLimit.lowerBound)
        #expect(throws: SecretKeyError.unsupportedParameters) { try SecretKeyFile(fileText: keyLine(body: body)) }
    }

    @Test func costsAtTheEdgesOfTheAcceptedRangeParse() throws {
        for (ops, mem) in [(UInt64(1), UInt64(8 << 20)), (64, 4 << 30)] {
            var body = validBody
            setLittleEndian(ops, in: &body, at: WrappedLayout.opsLimit.lowerBound)
            setLittleEndian(mem, in: &body, at: WrappedLayout.memLimit.lowerBound)
            let parsed = try SecretKeyFile(fileText: keyLine(body: body))
            #expect(parsed.wrapped.parameters.opsLimit == ops)
            #expect(parsed.wrapped.parameters.memLimit == mem)
        }
    }
}

@Suite struct FixtureKeys {
    @Test func fixtureSecretKeyUnlocksWithTheTestPassphraseAndMatchesThePublicKey() throws {
        let text = try String(contentsOf: TestKeys.secretKeyURL, encoding: .utf8)
        let file = try SecretKeyFile(fileText: text)
        let pair = try SealingKeyPair(file: file, passphrase: Passphrase(TestKeys.passphrase))
        let publicKey = try TestKeys.publicKey()
        #expect(pair.publicKey == publicKey)
        #expect(file.wrapped.keyID == publicKey.keyID)
        #expect(text.contains("TEST ONLY"))
    }

    @Test func fixtureKeyLineSurvivesParseThenSerialise() throws {
        let text = try String(contentsOf: TestKeys.secretKeyURL, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("senim-secret-1 ") })
        #expect(try SecretKeyFile(fileText: text).keyLine == String(line))
    }

    @Test func fixtureSecretKeyRefusesAnotherPassphrase() throws {
        let file = try SecretKeyFile(fileText: String(contentsOf: TestKeys.secretKeyURL, encoding: .utf8))
        #expect(throws: SecretKeyError.wrongPassphrase) {
            try SealingKeyPair(file: file, passphrase: Passphrase(TestKeys.passphrase + "!"))
        }
    }
}
