import Foundation

/// The three factor groups of the risk assessment protocol (Student Protection Policy, item 33, Annex 8).
public enum FactorGroup: String, Codable, CaseIterable, Sendable {
    case risk, vulnerability, protective

    /// How many numbered questions the group has: 22 risk (1–9 the student, 10–22 the family),
    /// 11 vulnerability and 10 protective factors.
    public var itemCount: Int {
        switch self {
        case .risk: 22
        case .vulnerability: 11
        case .protective: 10
        }
    }

    public var items: ClosedRange<Int> { 1...itemCount }
}

/// The answer to one protocol question.
public enum FactorAnswer: String, Codable, CaseIterable, Sendable {
    case yes, no, unknown
}

/// One protocol question: its group and number as in `DOMAIN.md`.
public struct FactorID: Hashable, Codable, Comparable, Sendable, CustomStringConvertible {
    public let group: FactorGroup
    public let item: Int

    public init(_ group: FactorGroup, _ item: Int) {
        self.group = group
        self.item = item
    }

    public var description: String { "\(group.rawValue) \(item)" }

    public static func < (a: FactorID, b: FactorID) -> Bool {
        let ga = FactorGroup.allCases.firstIndex(of: a.group)!, gb = FactorGroup.allCases.firstIndex(of: b.group)!
        return ga != gb ? ga < gb : a.item < b.item
    }
}

/// The answers of one assessment. A question not answered is "unknown".
public struct ProtocolAnswers: Codable, Equatable, Sendable {
    public struct Given: Codable, Equatable, Sendable {
        public var answer: FactorAnswer
        /// Examples, evidence, consequences for the child: stored encrypted with the entry.
        public var note: String?

        public init(_ answer: FactorAnswer, note: String? = nil) {
            self.answer = answer
            self.note = note
        }
    }

    private var given: [FactorID: Given] = [:]

    public init() {}

    public subscript(_ id: FactorID) -> Given {
        get { given[id] ?? Given(.unknown) }
        set {
            precondition(id.group.items.contains(id.item), "no question \(id)")
            given[id] = newValue.answer == .unknown && newValue.note == nil ? nil : newValue
        }
    }

    public func answer(_ group: FactorGroup, _ item: Int) -> FactorAnswer { self[FactorID(group, item)].answer }

    /// The questions of a group answered "yes", in order.
    public func yes(in group: FactorGroup) -> [Int] {
        group.items.filter { answer(group, $0) == .yes }
    }

    /// Every question given an answer or a note, in protocol order.
    public var answered: [(FactorID, Given)] {
        given.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    // Stored as a list, so the JSON does not depend on dictionary ordering.
    private struct Stored: Codable {
        let group: FactorGroup
        let item: Int
        let answer: FactorAnswer
        let note: String?
    }

    public init(from decoder: any Decoder) throws {
        let list = try [Stored](from: decoder)
        for stored in list where stored.group.items.contains(stored.item) {
            given[FactorID(stored.group, stored.item)] = Given(stored.answer, note: stored.note)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try answered.map { Stored(group: $0.0.group, item: $0.0.item, answer: $0.1.answer, note: $0.1.note) }
            .encode(to: encoder)
    }

    public static func == (a: ProtocolAnswers, b: ProtocolAnswers) -> Bool { a.given == b.given }
}

/// The protocol's overall level of danger to the student's life and health.
public enum RiskLevel: String, Codable, CaseIterable, Sendable, Comparable {
    case low, medium, high

    public static func < (a: RiskLevel, b: RiskLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The protocol's three outcomes.
public enum AssessmentOutcome: String, Codable, CaseIterable, Sendable {
    /// No further action.
    case none
    /// Start action and procedures at school level (a help and support plan).
    case school
    /// Refer to authorised external bodies (all materials to the interagency team).
    case external

    /// What the protocol asks for at a level: high goes to the interagency team, low and medium stay at school.
    public static func expected(for level: RiskLevel) -> AssessmentOutcome {
        level == .high ? .external : .school
    }
}

/// Why a level was proposed: one answer or one fact of the entry, with the level it calls for.
public struct RiskBasis: Codable, Equatable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// A protocol question answered "yes".
        case answer
        /// Several questions of a group answered "yes".
        case count
        /// A fact recorded in the entry.
        case entry
    }

    public let kind: Kind
    /// For `answer` and `count`: the group.
    public let group: FactorGroup?
    /// For `answer`: the question number; for `count`: how many were "yes".
    public let item: Int?
    /// For `entry`: which fact (`in-danger`, `type:sexual`, `urgent:words-weapons`, `aggressor:employee`).
    public let fact: String?
    public let level: RiskLevel

    public init(kind: Kind, group: FactorGroup?, item: Int?, fact: String?, level: RiskLevel) {
        self.kind = kind
        self.group = group
        self.item = item
        self.fact = fact
        self.level = level
    }

    static func answer(_ group: FactorGroup, _ item: Int, _ level: RiskLevel) -> RiskBasis {
        RiskBasis(kind: .answer, group: group, item: item, fact: nil, level: level)
    }

    static func count(_ group: FactorGroup, _ count: Int, _ level: RiskLevel) -> RiskBasis {
        RiskBasis(kind: .count, group: group, item: count, fact: nil, level: level)
    }

    static func entry(_ fact: String, _ level: RiskLevel) -> RiskBasis {
        RiskBasis(kind: .entry, group: nil, item: nil, fact: fact, level: level)
    }
}

/// The level Senim proposes and the answers and facts that produced it.
public struct RiskProposal: Codable, Equatable, Sendable {
    public let level: RiskLevel
    /// Everything that called for `level`, in protocol order, entry facts first.
    public let basis: [RiskBasis]
    /// Protective factors answered "yes": shown to the person deciding, never lowering the level.
    public let protective: [Int]

    package init(level: RiskLevel, basis: [RiskBasis], protective: [Int]) {
        self.level = level
        self.basis = basis
        self.protective = protective
    }
}

/// The facts of an entry the rules look at.
public struct RiskContext: Sendable {
    public var inDanger: Bool
    public var types: [CrueltyType]
    public var aggressorKind: AggressorKind
    public var urgency: [UrgencyReason]

    public init(inDanger: Bool, types: [CrueltyType], aggressorKind: AggressorKind, urgency: [UrgencyReason]) {
        self.inDanger = inDanger
        self.types = types
        self.aggressorKind = aggressorKind
        self.urgency = urgency
    }

}

/// The rules that turn protocol answers and entry facts into a proposed level. All of them live here, and the
/// README's "Risk rules" section lists them; change both together.
///
/// The level proposed is the highest any rule calls for; with no rule met it is low. Protective factors are shown
/// but never lower the level: the protocol asks that they be recognised, not that they cancel a danger.
public enum RiskRules {
    /// Answers that alone put an entry at high: a threat to life or health, self-harm, suicide, signs of sexual
    /// abuse, the child's need for protection.
    public static let highAnswers: [FactorID] = [
        FactorID(.risk, 6),  // runs away from home: long absences from home
        FactorID(.risk, 8),  // sexual behaviour not appropriate for the age: a sign of sexual abuse
        FactorID(.risk, 9),  // a sexually transmitted disease in a child
        FactorID(.risk, 18),  // the legal representatives threaten violence
        FactorID(.risk, 22),  // the child needs protection
        FactorID(.vulnerability, 7),  // risk of self-harm, or self-harming
        FactorID(.vulnerability, 8),  // threatens to take their own life
        FactorID(.vulnerability, 10),  // has attempted suicide
    ]

    /// Answers that put an entry at medium at least: the family situations and conditions the protocol lists
    /// under "medium".
    public static let mediumAnswers: [FactorID] = [
        FactorID(.risk, 2),  // unexplained injuries
        FactorID(.risk, 10),  // signs of neglect
        FactorID(.risk, 11),  // parents forbid school
        FactorID(.risk, 13),  // signs of domestic violence
        FactorID(.risk, 14),  // alcohol or other psychoactive substances
        FactorID(.risk, 15),  // the representatives' mental health problems
        FactorID(.risk, 17),  // the representatives are rude or aggressive
        FactorID(.risk, 19),  // they obstruct meeting the child
        FactorID(.risk, 20),  // injuries from violence or neglect recorded before
        FactorID(.vulnerability, 5),  // mental health problems
        FactorID(.vulnerability, 6),  // an addiction
        FactorID(.vulnerability, 9),  // earlier signs of self-harm
        FactorID(.vulnerability, 11),  // often in the care of guardianship or social services
    ]

    /// So many "yes" answers in the risk group, or in the vulnerability group, put an entry at medium at least
    /// ("the more there are, the higher the risk of harm").
    public static let manyFactors = 3

    /// Kinds of cruelty that alone put an entry at high.
    public static let highTypes: [CrueltyType] = [.sexual, .exploitation]

    /// Urgency flags of the report that put an entry at high: the reporter chose self-harm, or wrote about
    /// weapons or sexual abuse. Words about suicide or self-harm do too, unless the assessment answered both
    /// vulnerability 7 and 8 with "no" (the lead checked and found no such risk).
    public static let highUrgency: [UrgencyReason] = [.selfHarm, .wordsWeapons, .wordsSexualAbuse, .sexualViolence]
    public static let selfHarmWords: [UrgencyReason] = [.wordsSuicide, .wordsSelfHarm]

    /// Who the alleged aggressor is, when that alone puts an entry at medium: an adult responsible for the child.
    public static let mediumAggressors: [AggressorKind] = [.employee, .legalRepresentative]

    public static func propose(_ answers: ProtocolAnswers, _ entry: RiskContext) -> RiskProposal {
        var basis: [RiskBasis] = []
        if entry.inDanger { basis.append(.entry("in-danger", .high)) }
        for type in highTypes where entry.types.contains(type) { basis.append(.entry("type:\(type.rawValue)", .high)) }
        for reason in highUrgency where entry.urgency.contains(reason) {
            basis.append(.entry("urgent:\(reason.rawValue)", .high))
        }
        let checkedNoSelfHarm =
            answers.answer(.vulnerability, 7) == .no && answers.answer(.vulnerability, 8) == .no
        for reason in selfHarmWords where entry.urgency.contains(reason) && !checkedNoSelfHarm {
            basis.append(.entry("urgent:\(reason.rawValue)", .high))
        }
        if mediumAggressors.contains(entry.aggressorKind) {
            basis.append(.entry("aggressor:\(entry.aggressorKind.rawValue)", .medium))
        }
        if entry.types.contains(.physical) { basis.append(.entry("type:physical", .medium)) }
        for group in FactorGroup.allCases where group != .protective {
            for item in answers.yes(in: group) {
                let id = FactorID(group, item)
                if highAnswers.contains(id) {
                    basis.append(.answer(group, item, .high))
                } else if mediumAnswers.contains(id) {
                    basis.append(.answer(group, item, .medium))
                }
            }
            let count = answers.yes(in: group).count
            if count >= manyFactors { basis.append(.count(group, count, .medium)) }
        }
        let level = basis.map(\.level).max() ?? .low
        // Only what produced the level is its basis; lesser reasons would hide the one that matters.
        return RiskProposal(
            level: level, basis: basis.filter { $0.level == level }, protective: answers.yes(in: .protective))
    }
}

/// Why an answers file (`senim assess --answers FILE`) cannot be used.
public enum AnswersFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case notJSON
    case unknownGroup(String)
    case unknownItem(group: FactorGroup, item: String)
    case badAnswer(FactorID, String)

    public var description: String {
        switch self {
        case .notJSON: "it is not a JSON object"
        case .unknownGroup(let group): "there is no group \"\(group)\" (risk, vulnerability, protective)"
        case .unknownItem(let group, let item):
            "there is no \(group.rawValue) question \"\(item)\" (1–\(group.itemCount))"
        case .badAnswer(let id, let value): "\(id): \"\(value)\" is not yes, no or unknown"
        }
    }
}

extension ProtocolAnswers {
    /// Reads the answers file form: `{"risk": {"13": "yes"}, "vulnerability": {"10": {"answer": "yes",
    /// "note": "…"}}}`. A question left out is "unknown".
    public init(answersFile data: Data) throws(AnswersFileError) {
        self.init()
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw .notJSON }
        for (groupName, value) in object {
            guard let group = FactorGroup(rawValue: groupName) else { throw .unknownGroup(groupName) }
            guard let items = value as? [String: Any] else { throw .unknownGroup(groupName) }
            for (itemName, given) in items {
                guard let item = Int(itemName), group.items.contains(item) else {
                    throw .unknownItem(group: group, item: itemName)
                }
                let id = FactorID(group, item)
                let answerText: Any?
                var note: String?
                if let details = given as? [String: Any] {
                    answerText = details["answer"]
                    guard details["note"] == nil || details["note"] is String else { throw .badAnswer(id, "note") }
                    note = (details["note"] as? String).flatMap { $0.isEmpty ? nil : $0 }
                } else {
                    answerText = given
                }
                guard let text = answerText as? String, let answer = FactorAnswer(rawValue: text) else {
                    throw .badAnswer(id, answerText.map { "\($0)" } ?? "")
                }
                self[id] = Given(answer, note: note)
            }
        }
    }
}
