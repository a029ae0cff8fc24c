import Foundation

/// The signed `Authorization` header of the collection API.
///
/// `Authorization: Senim-Collector ts=<unix seconds>, nonce=<32 hex>, challenge=<32 hex>, sig=<base64 Ed25519>`,
/// where the signature covers `senim-collect-v2 \n METHOD \n PATH \n ts \n nonce \n challenge \n
/// hex(BLAKE2b-256(body))`. The challenge is what the intake answered to `GET /api/v1/collect/challenge`: made from
/// a secret the intake process draws at start and keeps in memory only, it changes every five minutes, differs
/// between intakes and does not survive a restart, so a captured request cannot be replayed against another
/// intake with the same collector key, nor against the same intake once it restarted (issue 13 §4). The intake
/// accepts a request only if the signature verifies with the collector public key, the challenge is its current
/// or previous one, `ts` is within five minutes of its clock, and the nonce has not been seen (kept in memory).
public struct CollectorAuthorization: Equatable, Sendable {
    public let timestamp: Int64
    public let nonce: String
    public let challenge: String
    public let signature: [UInt8]

    public init(timestamp: Int64, nonce: String, challenge: String, signature: [UInt8]) {
        self.timestamp = timestamp
        self.nonce = nonce
        self.challenge = challenge
        self.signature = signature
    }

    /// The bytes that are signed.
    public static func message(
        method: String, path: String, timestamp: Int64, nonce: String, challenge: String, body: [UInt8]
    ) -> [UInt8] {
        let digest = Sodium.genericHash(body, length: 32).map { String(format: "%02x", $0) }.joined()
        let text = [
            FormatConstants.collectorSignatureContext, method, path, String(timestamp), nonce, challenge, digest,
        ].joined(separator: "\n")
        return Array(text.utf8)
    }

    /// A fresh random nonce.
    public static func newNonce() -> String {
        Sodium.randomBytes(16).map { String(format: "%02x", $0) }.joined()
    }

    /// The header value.
    public var headerValue: String {
        "\(FormatConstants.collectorAuthScheme) ts=\(timestamp), nonce=\(nonce), challenge=\(challenge), "
            + "sig=\(Data(signature).base64EncodedString())"
    }

    /// Whether `text` has a challenge's shape (an intake's answer is not trusted further).
    public static func isChallenge(_ text: String) -> Bool { isToken(text) }

    /// Whether `text` has a nonce's or a challenge's shape: 32 lowercase or uppercase hex digits.
    static func isToken(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { Character(Unicode.Scalar($0)).isHexDigit }
    }

    /// Parses a header value; nil if it is not exactly this scheme's shape.
    public init?(headerValue: String) {
        let prefix = FormatConstants.collectorAuthScheme + " "
        guard headerValue.hasPrefix(prefix), headerValue.utf8.count < 512 else { return nil }
        var fields: [String: String] = [:]
        for part in headerValue.dropFirst(prefix.count).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2, fields[String(pair[0])] == nil else { return nil }
            fields[String(pair[0])] = String(pair[1])
        }
        guard fields.count == 4, let ts = fields["ts"].flatMap({ Int64($0) }), let nonce = fields["nonce"],
            Self.isToken(nonce), let challenge = fields["challenge"], Self.isToken(challenge),
            let sig = fields["sig"].flatMap({ Data(base64Encoded: $0) }), sig.count == Sodium.signatureLength
        else { return nil }
        self.init(timestamp: ts, nonce: nonce, challenge: challenge, signature: Array(sig))
    }

    /// Whether the signature is valid for this request and key.
    public func verifies(method: String, path: String, body: [UInt8], key: CollectorPublicKey) -> Bool {
        Sodium.verify(
            signature: signature,
            message: Self.message(
                method: method, path: path, timestamp: timestamp, nonce: nonce, challenge: challenge, body: body),
            publicKey: key.bytes)
    }
}

/// The JSON bodies of the collection API.
public enum CollectionAPI {
    /// The routes, in one place: each `POST` path is part of the signed message, so the intake and `senim pull`
    /// must spell them alike.
    public enum Route {
        public static let challenge = "/api/v1/collect/challenge"
        public static let collect = "/api/v1/collect"
        public static let acknowledge = "/api/v1/collect/ack"
    }

    /// `POST /api/v1/collect` request.
    public struct CollectRequest: Codable, Sendable {
        /// Collect envelopes with IDs after this one (hex), for paging.
        public var after: String?
        public var limit: Int
        public init(after: String?, limit: Int) {
            self.after = after
            self.limit = limit
        }
    }

    /// One envelope in a collect response.
    public struct Item: Codable, Sendable {
        public var id: String
        public var day: String
        public var envelope: String
        public init(id: String, day: String, envelope: String) {
            self.id = id
            self.day = day
            self.envelope = envelope
        }

        /// The item's values, checked; nil if one is not what an intake sends.
        public var collected: CollectedItem? {
            guard let id = Data(hex: id), id.count == 16, Report.isDay(day),
                let envelope = Data(base64Encoded: envelope), !envelope.isEmpty
            else { return nil }
            return CollectedItem(id: id, day: day, envelope: envelope)
        }
    }

    /// `POST /api/v1/collect` response.
    public struct CollectResponse: Codable, Sendable {
        public var items: [Item]
        public var more: Bool
        public init(items: [Item], more: Bool) {
            self.items = items
            self.more = more
        }
    }

    /// An item as `senim pull` takes it from an intake it does not trust.
    public struct CollectedItem: Equatable, Sendable {
        public let id: Data
        public let day: String
        public let envelope: Data
        /// The recipient key ID the envelope names (its bytes 5–12; the envelope may still fail to open, which
        /// the journal records as unreadable rather than dropping it).
        public var keyID: Data { Data(envelope.dropFirst(5).prefix(8)) }
    }

    /// Reads a collect answer: nil when it is not one. An item whose ID is not 16 bytes of hex, whose day is not
    /// a real `YYYY-MM-DD` or whose envelope is not base64 is left out (and so never acknowledged).
    public static func answer(from data: Data) -> (items: [CollectedItem], more: Bool)? {
        guard let page = try? JSONDecoder().decode(CollectResponse.self, from: data) else { return nil }
        return (page.items.compactMap(\.collected), page.more)
    }

    /// `GET /api/v1/collect/challenge` response: what the next signed requests must cover.
    public struct ChallengeResponse: Codable, Sendable {
        public var challenge: String
        public init(challenge: String) { self.challenge = challenge }
    }

    /// `POST /api/v1/collect/ack` request: the IDs the journal has stored durably.
    public struct AckRequest: Codable, Sendable {
        public var ids: [String]
        public init(ids: [String]) { self.ids = ids }
    }

    /// `POST /api/v1/collect/ack` response.
    public struct AckResponse: Codable, Sendable {
        public var deleted: Int
        public init(deleted: Int) { self.deleted = deleted }
    }

    /// Largest page of envelopes per collect request.
    public static let maxLimit = 1000

    /// Most envelope bytes in one page (past its first envelope): 1,000 maximum-size reports in one answer drove
    /// the intake past 1 GB and `senim pull` past 800 MB (issue 13 §4).
    public static let maxPageBytes = 4 << 20
}

extension Data {
    /// Lowercase hex.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex; nil if not hex of even length. Works on the UTF-8 bytes, so no input can trap it (issue 13:
    /// stepping by characters over a byte count ran past the end on a multi-byte character).
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes)
    }
}
