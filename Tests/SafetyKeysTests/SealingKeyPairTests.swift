import Foundation
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@Suite struct OpeningSealedReports {
    let pair = SealingKeyPair()

    @Test(arguments: [
        sampleReport(),
        sampleReport(String(repeating: "Сынып жетекшісіне айттым, бірақ ештеңе өзгерген жоқ. ", count: 300)),
        Report(
            language: .kk, receivedHour: "2026-11-21T14:00:00Z", reporter: .parent, what: [.physical, .other],
            place: nil, timing: nil, inDanger: true, classOrGrade: nil, text: "Балама қол жұмсады.",
            names: "9 сынып", contact: "+7 700 000 00 00"),
    ])
    func openingGivesBackTheSealedReport(report: Report) throws {
        let envelope = try ReportSealer(recipient: pair.publicKey).seal(report)
        #expect(try pair.open(envelope) == report)
    }

    @Test func envelopeSurvivesSerialisingBeforeItIsOpened() throws {
        let envelope = try ReportSealer(recipient: pair.publicKey).seal(sampleReport())
        let parsed = try Envelope(parsing: envelope.bytes)
        #expect(try pair.open(parsed) == sampleReport())
    }

    @Test func fixtureKeyPairOpensWhatWasSealedToTheFixturePublicKey() throws {
        let envelope = try ReportSealer(recipient: try TestKeys.publicKey()).seal(sampleReport())
        #expect(try TestKeys.keyPair().open(envelope) == sampleReport())
    }

    @Test func envelopeForAnotherKeyIsRefusedAsTheWrongKey() throws {
        let other = SealingKeyPair()
        let envelope = try ReportSealer(recipient: other.publicKey).seal(sampleReport())
        #expect(throws: OpenError.wrongKey(expected: pair.publicKey.keyID, found: other.publicKey.keyID)) {
            try pair.open(envelope)
        }
    }

    @Test func boxSealedToAnotherKeyUnderThisKeyIDCannotOpen() throws {
        let other = SealingKeyPair()
        let sealed = try ReportSealer(recipient: other.publicKey).seal(sampleReport())
        let relabelled = try Envelope(keyID: pair.publicKey.keyID, sealedBox: sealed.sealedBox)
        #expect(throws: OpenError.cannotOpen) { try pair.open(relabelled) }
    }

    @Test func tamperedBoxCannotOpen() throws {
        let envelope = try ReportSealer(recipient: pair.publicKey).seal(sampleReport())
        let count = envelope.sealedBox.count
        for offset in [0, 31, 32, 47, 48, count / 2, count - 1] {
            var box = envelope.sealedBox
            box[offset] ^= 0x01
            let tampered = try Envelope(keyID: envelope.keyID, sealedBox: box)
            #expect(throws: OpenError.cannotOpen, "flipped byte \(offset)") { try pair.open(tampered) }
        }
    }

    @Test func sealedBytesThatAreNotAReportAreAPayloadError() throws {
        let notJSON = Sodium.pad(Array("not a report".utf8), to: FormatConstants.paddingBuckets[0])!
        let envelope = try Envelope(
            keyID: pair.publicKey.keyID, sealedBox: Sodium.seal(notJSON, to: pair.publicKey.bytes))
        #expect(throws: OpenError.payload(.malformedJSON)) { try pair.open(envelope) }
        let payload = try pair.openPayload(envelope)
        #expect(payload.withUnsafeBytes { Array($0) } == notJSON)
    }

    @Test func generatedKeyPairsDiffer() {
        #expect(SealingKeyPair().publicKey != SealingKeyPair().publicKey)
    }

    @Test func keyPairRebuiltFromItsSecretHasTheSamePublicKey() throws {
        let secret = randomSecret()
        let copy = secret.withUnsafeBytes { SecureBytes(copying: $0) }
        #expect(SealingKeyPair(secret: secret).publicKey == SealingKeyPair(secret: copy).publicKey)
    }
}

@Suite struct LockedSecretMemory {
    @Test func newSecureBytesAreZeroed() {
        let bytes = SecureBytes(count: 64)
        #expect(bytes.withUnsafeBytes { Array($0) } == [UInt8](repeating: 0, count: 64))
    }

    @Test func copyingKeepsTheBytesAndWipeZeroesThem() {
        let source: [UInt8] = [1, 2, 3, 4, 5]
        let bytes = source.withUnsafeBytes { SecureBytes(copying: $0) }
        #expect(bytes.count == 5)
        #expect(bytes.withUnsafeBytes { Array($0) } == source)
        bytes.wipe()
        #expect(bytes.withUnsafeBytes { Array($0) } == [0, 0, 0, 0, 0])
    }
}
