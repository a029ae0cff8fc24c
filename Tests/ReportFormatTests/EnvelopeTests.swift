import Foundation
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

private func vector(_ name: String) throws -> [UInt8] {
    let url = Bundle.module.resourceURL!.appendingPathComponent("Vectors/\(name).envelope.hex")
    let hex = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

private func payload(_ name: String) throws -> Data {
    try Data(contentsOf: Bundle.module.resourceURL!.appendingPathComponent("Vectors/\(name).payload.json"))
}

private let vectorNames = ["ru-small", "kk-medium", "en-other"]

@Suite struct EnvelopeVectors {
    @Test(arguments: vectorNames) func parseThenSerialiseReproducesTheBytes(name: String) throws {
        let bytes = try vector(name)
        let envelope = try Envelope(parsing: bytes)
        #expect(envelope.bytes == bytes)
        #expect(envelope.keyID == (try TestKeys.publicKey()).keyID)
    }

    @Test(arguments: vectorNames) func vectorOpensToItsCommittedPayload(name: String) throws {
        let envelope = try Envelope(parsing: try vector(name))
        let report = try TestKeys.keyPair().open(envelope)
        #expect(Data(try report.jsonBytes()) == (try payload(name)))
        #expect(try JSONDecoder().decode(Report.self, from: try payload(name)) == report)
    }

    @Test func vectorsLandInTheExpectedBuckets() throws {
        #expect(try Envelope(parsing: try vector("ru-small")).paddedPayloadLength == 4_096)
        #expect(try Envelope(parsing: try vector("kk-medium")).paddedPayloadLength == 16_384)
    }
}

@Suite struct EnvelopeErrors {
    let valid: [UInt8]
    init() throws { valid = try vector("ru-small") }

    @Test func emptyInputIsTruncated() {
        #expect(throws: EnvelopeError.truncated(length: 0, minimum: Envelope.validLengths[0])) {
            try Envelope(parsing: [UInt8]())
        }
    }

    @Test func headerOnlyIsTruncated() {
        let header = Array(valid.prefix(FormatConstants.envelopeHeaderLength))
        #expect(throws: EnvelopeError.truncated(length: header.count, minimum: Envelope.validLengths[0])) {
            try Envelope(parsing: header)
        }
    }

    @Test func oneByteMissingIsTruncated() {
        #expect(throws: EnvelopeError.truncated(length: valid.count - 1, minimum: valid.count)) {
            try Envelope(parsing: valid.dropLast())
        }
    }

    @Test func anExtraByteIsNotAValidLength() {
        #expect(throws: EnvelopeError.invalidLength(valid.count + 1)) { try Envelope(parsing: valid + [0]) }
    }

    @Test func bytesAfterTheLargestBucketAreTrailing() {
        let largest = Envelope.validLengths.last!
        let bytes =
            Array(valid.prefix(FormatConstants.envelopeHeaderLength))
            + [UInt8](repeating: 7, count: largest + 3 - FormatConstants.envelopeHeaderLength)
        #expect(throws: EnvelopeError.trailingBytes(count: 3)) { try Envelope(parsing: bytes) }
    }

    @Test func wrongMagicIsRefused() {
        var bytes = valid
        bytes[0] = UInt8(ascii: "X")
        #expect(throws: EnvelopeError.badMagic) { try Envelope(parsing: bytes) }
    }

    @Test func otherVersionsAreRefusedByNumber() {
        var bytes = valid
        bytes[4] = 2
        #expect(throws: EnvelopeError.unsupportedVersion(2)) { try Envelope(parsing: bytes) }
    }

    @Test func aDifferentKeyIsNamedBeforeDecryption() throws {
        let envelope = try Envelope(parsing: valid)
        let other = SealingKeyPair()
        #expect(throws: OpenError.wrongKey(expected: other.publicKey.keyID, found: envelope.keyID)) {
            try other.open(envelope)
        }
        #expect(throws: EnvelopeError.wrongKey(expected: other.publicKey.keyID, found: envelope.keyID)) {
            try envelope.checkRecipient(other.publicKey.keyID)
        }
    }

    @Test func aFlippedBitInTheSealedBoxCannotOpen() throws {
        var bytes = valid
        bytes[bytes.count - 10] ^= 0x01
        let envelope = try Envelope(parsing: bytes)
        #expect(throws: OpenError.cannotOpen) { try TestKeys.keyPair().open(envelope) }
    }
}

@Suite struct Sealing {
    @Test func aSealedReportOpensToTheSameReport() throws {
        let pair = SealingKeyPair()
        let report = sampleReport()
        let envelope = try ReportSealer(recipient: pair.publicKey).seal(report)
        #expect(try pair.open(envelope) == report)
        #expect(try Envelope(parsing: envelope.bytes) == envelope)
    }

    @Test func sizeDependsOnlyOnTheBucket() throws {
        let sealer = ReportSealer(recipient: try TestKeys.publicKey())
        let short = try sealer.seal(sampleReport("Да"))
        let longer = try sealer.seal(sampleReport(String(repeating: "Очень длинный рассказ. ", count: 60)))
        #expect(short.bytes.count == longer.bytes.count)
        #expect(short.paddedPayloadLength == FormatConstants.paddingBuckets[0])
    }

    @Test func theLongestAllowedReportStillFits() throws {
        // 20,000 astral characters in every text field: the worst case for UTF-8 length.
        let astral = String(repeating: "\u{1F600}", count: FormatConstants.Limits.text)
        var report = sampleReport(astral)
        report.names = String(repeating: "\u{1F600}", count: FormatConstants.Limits.names)
        report.contact = String(repeating: "\u{1F600}", count: FormatConstants.Limits.contact)
        let envelope = try ReportSealer(recipient: try TestKeys.publicKey()).seal(report)
        #expect(envelope.paddedPayloadLength == FormatConstants.paddingBuckets.last!)
    }

    @Test func theSameReportSealsDifferentlyEachTime() throws {
        let sealer = ReportSealer(recipient: try TestKeys.publicKey())
        #expect(try sealer.seal(sampleReport()).bytes != (try sealer.seal(sampleReport())).bytes)
    }

    @Test func receiptTimeIsRoundedDownToTheHour() {
        let date = try! Date("2026-11-18T08:26:40Z", strategy: .iso8601)
        #expect(Report.hour(of: date) == "2026-11-18T08:00:00Z")
        #expect(Report.day(of: date) == "2026-11-18")
    }
}

@Suite struct PayloadDecoding {
    @Test func aPayloadThatIsNotABucketIsRefused() {
        #expect(throws: PayloadError.notABucket(100)) { try Report(paddedPayload: [UInt8](repeating: 0, count: 100)) }
    }

    @Test func allZeroPaddingIsBadPadding() {
        #expect(throws: PayloadError.badPadding) { try Report(paddedPayload: [UInt8](repeating: 0, count: 4_096)) }
    }

    @Test func anotherSchemaVersionIsNamed() throws {
        let json = Array(#"{"v":9}"#.utf8)
        #expect(throws: PayloadError.unsupportedSchema(9)) {
            try Report(paddedPayload: Sodium.pad(json, to: 4_096)!)
        }
    }

    @Test func notJSONIsMalformed() throws {
        #expect(throws: PayloadError.malformedJSON) {
            try Report(paddedPayload: Sodium.pad(Array("hello".utf8), to: 4_096)!)
        }
    }
}

@Suite struct PublicKeyFiles {
    @Test func writtenFileParsesBack() throws {
        let key = try TestKeys.publicKey()
        #expect(try SealingPublicKey(fileText: key.fileText) == key)
        #expect(key.fileText.contains("key id \(key.keyID.hex)"))
    }

    @Test func wrongTagIsNamed() {
        #expect(throws: PublicKeyError.unsupportedTag("senim-public-2")) {
            try SealingPublicKey(fileText: "senim-public-2 cm8SlZZ8DyCBwi9eUIISYJy6czs/y1I4N/cK0cRUBGU=")
        }
    }

    @Test func shortKeyIsMalformed() {
        #expect(throws: PublicKeyError.malformedKey) { try SealingPublicKey(fileText: "senim-public-1 AAAA") }
    }

    @Test func aCommentWithAnotherKeyIDIsCaught() throws {
        let key = try TestKeys.publicKey()
        let text = key.fileText.replacingOccurrences(of: key.keyID.hex, with: "0000000000000000")
        #expect(throws: PublicKeyError.keyIDMismatch(stated: "0000000000000000", actual: key.keyID)) {
            try SealingPublicKey(fileText: text)
        }
    }

    @Test func emptyFileHasNoKeyLine() {
        #expect(throws: PublicKeyError.missingKeyLine) { try SealingPublicKey(fileText: "# nothing\n") }
    }
}
