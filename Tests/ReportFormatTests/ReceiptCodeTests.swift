import Foundation
import ReportFormat
import Testing

/// The receipt code of issue 17: digits only, 86 random bits, check digits that catch a typo, and what is derived
/// from it (FORMAT.md, *Receipt code*).
@Suite struct ReceiptCodeTests {
    /// A code whose derivations are committed below: change them and every mailbox already handed out is lost.
    static let vector = "9976802972078984988026339224"

    @Test func aNewCodeIs28DigitsInSevenGroupsAndReadsBack() throws {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let code = ReceiptCode.generate()
            #expect(code.digits.count == 28 && code.digits.allSatisfy(\.isASCII) && code.digits.allSatisfy(\.isNumber))
            #expect(code.groups.count == 7 && code.groups.allSatisfy { $0.count == 4 })
            #expect(try ReceiptCode.parse(code.grouped).get() == code)
            seen.insert(code.digits)
        }
        #expect(seen.count == 2000, "no two codes alike")
    }

    @Test func theRandomDigitsAreUniform() {
        // 2000 codes × 26 random digits: each digit about 5,200 times; a bias of a fifth would be 1,000 off.
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<2000 {
            for digit in ReceiptCode.generate().digits.prefix(ReceiptCode.randomDigits) {
                counts[Int(String(digit))!] += 1
            }
        }
        #expect(counts.allSatisfy { abs($0 - 5200) < 500 }, "\(counts)")
    }

    @Test func everySingleWrongDigitAndEverySwapOfNeighboursIsATypoNotAnotherCode() throws {
        for _ in 0..<50 {
            let digits = Array(ReceiptCode.generate().digits)
            for index in digits.indices {
                for replacement in "0123456789" where replacement != digits[index] {
                    var typo = digits
                    typo[index] = replacement
                    #expect(ReceiptCode.parse(String(typo)) == .failure(.checkFailed), "\(String(typo))")
                }
                if index + 1 < digits.count, digits[index] != digits[index + 1] {
                    var swapped = digits
                    swapped.swapAt(index, index + 1)
                    #expect(ReceiptCode.parse(String(swapped)) == .failure(.checkFailed), "\(String(swapped))")
                }
            }
        }
    }

    @Test func whatIsTypedIsReadAsAPhoneTypesIt() throws {
        let code = try ReceiptCode.parse(Self.vector).get()
        #expect(try ReceiptCode.parse("9976 8029-7207.8984 9880 2633 9224 ").get() == code)
        // Arabic-Indic and full-width digits, as some keyboards type them.
        let arabic = String(Self.vector.map { Character(Unicode.Scalar(0x0660 + Int(String($0))!)!) })
        #expect(try ReceiptCode.parse(arabic).get() == code)
        #expect(ReceiptCode.parse("") == .failure(.empty))
        #expect(ReceiptCode.parse("   ") == .failure(.empty))
        #expect(ReceiptCode.parse("9976 8029 7207 8984 9880 2633 922") == .failure(.wrongLength(27)))
        #expect(ReceiptCode.parse(Self.vector + "1") == .failure(.wrongLength(29)))
        #expect(ReceiptCode.parse("9976 8029 abcd") == .failure(.notDigits))
        #expect(ReceiptCode.parse(String(repeating: "1", count: 10_000)) == .failure(.wrongLength(65)))
    }

    @Test func theDerivationsAreTheCommittedVectorsAndDistinct() throws {
        let code = try ReceiptCode.parse(Self.vector).get()
        #expect(Data(code.mailboxID).hexString == "2ff88486fe11fa4d817fdfecfa1ce520ee4ab79b598654ba13952de3d7930f7b")
        #expect(code.replyKeySeed != code.mailboxID)
        #expect(code.replyPublicKey.count == 32)
        #expect(code.replyPublicKey == code.replyPublicKey, "the key pair is the same every time")
        let other = ReceiptCode.generate()
        #expect(other.mailboxID != code.mailboxID && other.replyPublicKey != code.replyPublicKey)
    }

    @Test func aReportCarriesItsReplyAddressSealedAndStillReadsAsAReport() throws {
        let code = try ReceiptCode.parse(Self.vector).get()
        let report = Report(
            language: .kk, receivedHour: "2026-12-04T10:00:00Z", reporter: .studentSelf, what: [.bullying],
            place: nil, timing: nil, inDanger: false, classOrGrade: nil, text: "Мені мазақтайды", names: nil,
            contact: nil
        ).replying(to: code)
        #expect(report.mailbox == Data(code.mailboxID).hexString)
        #expect(report.replyKey == Data(code.replyPublicKey).hexString)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try report.jsonBytes() == Array(try encoder.encode(report)))
        #expect(try Report(json: try report.jsonBytes()) == report)
        var lopsided = report
        lopsided.replyKey = nil
        #expect(lopsided.formatProblem() == "reply_key")
        var badHex = report
        badHex.mailbox = "not hex"
        #expect(badHex.formatProblem() == "mailbox")
    }
}
