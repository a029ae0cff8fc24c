import CSodium

/// The reporter's receipt code (issue 17): 26 random digits and 2 check digits, shown as seven groups of four.
///
/// Digits only, because children type it on phones with Kazakh or Russian keyboards (`inputmode="numeric"`). The 26
/// random digits come from the system CSPRNG (libsodium's `randombytes_uniform`): 26 · log2(10) ≈ 86.4 bits, so a
/// code cannot be guessed, and what is derived from it may use a fast hash (BLAKE2b) rather than a password hash
/// (see the threat model). The check digits are ISO 7064 MOD 97-10 (as in an IBAN): every single wrong digit and
/// every swap of two neighbouring digits is caught, so a typo is answered "check the code", not "not found".
///
/// The code is shown once, on the confirmation page, and is never stored, logged or put in a URL; the intake keeps
/// only the mailbox ID derived from it (FORMAT.md, *Receipt code*).
public struct ReceiptCode: Equatable, Sendable {
    /// The 28 digits, check digits last.
    public let digits: String

    public static let randomDigits = 26
    public static let length = 28
    public static let groupSize = 4

    /// A new code from the CSPRNG.
    public static func generate() -> ReceiptCode {
        var body = ""
        for _ in 0..<randomDigits { body.append(Character(String(Sodium.randomUniform(10)))) }
        return ReceiptCode(checkedBody: body)
    }

    /// The code for `body` (26 digits) with its check digits.
    init(checkedBody body: String) {
        let remainder = Self.mod97(body + "00")
        let check = 98 - remainder
        digits = body + (check < 10 ? "0" : "") + String(check)
    }

    /// What is wrong with a typed code.
    public enum Problem: Error, Equatable, Sendable {
        /// Nothing typed.
        case empty
        /// A character that is not a digit, space or dash.
        case notDigits
        /// Not 28 digits.
        case wrongLength(Int)
        /// 28 digits whose check digits do not match: a typo.
        case checkFailed
    }

    /// Reads a typed code: spaces, dashes and dots between groups are ignored, and so are the digits of other
    /// scripts a phone keyboard may type (Arabic-Indic, full-width), read as their value.
    public static func parse(_ typed: String) -> Result<ReceiptCode, Problem> {
        var digits = ""
        for scalar in typed.unicodeScalars {
            if scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue {
                digits.append(Character(String(Int(value))))
            } else if scalar.properties.isWhitespace || "-.–—".unicodeScalars.contains(scalar) {
                continue
            } else {
                return .failure(.notDigits)
            }
            if digits.count > 64 { return .failure(.wrongLength(digits.count)) }
        }
        guard !digits.isEmpty else { return .failure(.empty) }
        guard digits.count == length else { return .failure(.wrongLength(digits.count)) }
        guard mod97(digits) == 1 else { return .failure(.checkFailed) }
        return .success(ReceiptCode(validated: digits))
    }

    private init(validated digits: String) { self.digits = digits }

    /// "1234 5678 9012 …", as the confirmation page shows it.
    public var grouped: String {
        var groups: [Substring] = []
        var rest = Substring(digits)
        while !rest.isEmpty {
            groups.append(rest.prefix(Self.groupSize))
            rest = rest.dropFirst(Self.groupSize)
        }
        return groups.joined(separator: " ")
    }

    /// The groups, one per element, for a page that sets each apart.
    public var groups: [String] { grouped.split(separator: " ").map(String.init) }

    /// The mailbox ID the intake stores: BLAKE2b-256 of the 28 digits, keyed with `"senim mailbox v1"`.
    public var mailboxID: [UInt8] { Sodium.genericHash(Array(digits.utf8), key: Array(Self.mailboxContext.utf8)) }

    /// The seed of the reporter's X25519 key pair: BLAKE2b-256 of the 28 digits, keyed with
    /// `"senim reporter key v1"`. The public half travels inside the sealed report.
    public var replyKeySeed: [UInt8] {
        Sodium.genericHash(Array(digits.utf8), key: Array(Self.replyKeyContext.utf8))
    }

    /// The reporter's public key, to which the safety service seals its replies. The secret half is made and zeroed
    /// here: only the code can make it again.
    public var replyPublicKey: [UInt8] {
        Sodium.ensureInitialised()
        var seed = replyKeySeed
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_box_publickeybytes()))
        var secretKey = [UInt8](repeating: 0, count: Int(crypto_box_secretkeybytes()))
        let rc = crypto_box_seed_keypair(&publicKey, &secretKey, seed)
        sodium_memzero(&secretKey, secretKey.count)
        sodium_memzero(&seed, seed.count)
        precondition(rc == 0, "crypto_box_seed_keypair failed")
        return publicKey
    }

    public static let mailboxContext = "senim mailbox v1"
    public static let replyKeyContext = "senim reporter key v1"

    /// `digits` as a number, modulo 97, digit by digit.
    static func mod97(_ digits: String) -> Int {
        digits.utf8.reduce(0) { ($0 * 10 + Int($1 - UInt8(ascii: "0"))) % 97 }
    }
}
