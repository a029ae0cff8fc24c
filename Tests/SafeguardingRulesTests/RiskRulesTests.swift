import Foundation
import SafeguardingRules
import Testing

/// An entry with nothing that raises the level by itself.
private let quietEntry = RiskContext(inDanger: false, types: [.bullying], aggressorKind: .student, urgency: [])

private func answers(_ given: [(FactorGroup, Int, FactorAnswer)]) -> ProtocolAnswers {
    var answers = ProtocolAnswers()
    for (group, item, answer) in given { answers[FactorID(group, item)] = .init(answer) }
    return answers
}

@Suite struct RiskRulesTests {
    @Test func nothingAnsweredAndAQuietEntryIsLowWithNoBasis() {
        let proposal = RiskRules.propose(ProtocolAnswers(), quietEntry)
        #expect(proposal.level == .low)
        #expect(proposal.basis.isEmpty)
    }

    @Test func selfHarmThreatsAndASuicideAttemptAreHighWhateverElseIsAnswered() {
        // Named here, not read from the rules' own list, so that shortening the list fails a test.
        for item in [7, 8, 10] {
            var given = answers([(.vulnerability, item, .yes)])
            for protective in FactorGroup.protective.items { given[FactorID(.protective, protective)] = .init(.yes) }
            #expect(RiskRules.propose(given, quietEntry).level == .high, "vulnerability \(item)")
        }
    }

    @Test(arguments: RiskRules.highAnswers)
    func eachHighAnswerAloneProposesHighAndIsNamed(id: FactorID) {
        let proposal = RiskRules.propose(answers([(id.group, id.item, .yes)]), quietEntry)
        #expect(proposal.level == .high)
        #expect(proposal.basis == [RiskBasis(kind: .answer, group: id.group, item: id.item, fact: nil, level: .high)])
    }

    @Test(arguments: RiskRules.mediumAnswers)
    func eachMediumAnswerAloneProposesMediumAndIsNamed(id: FactorID) {
        let proposal = RiskRules.propose(answers([(id.group, id.item, .yes)]), quietEntry)
        #expect(proposal.level == .medium)
        #expect(
            proposal.basis == [RiskBasis(kind: .answer, group: id.group, item: id.item, fact: nil, level: .medium)])
    }

    @Test func theSameAnswersAnsweredNoChangeNothing() {
        let all = (RiskRules.highAnswers + RiskRules.mediumAnswers).map { ($0.group, $0.item, FactorAnswer.no) }
        #expect(RiskRules.propose(answers(all), quietEntry).level == .low)
    }

    @Test func questionsOutsideTheListsAreLowUntilThereAreThreeInAGroup() {
        // Risk 1, 3 and 4 are neither high nor medium on their own.
        #expect(RiskRules.propose(answers([(.risk, 1, .yes), (.risk, 3, .yes)]), quietEntry).level == .low)
        let three = RiskRules.propose(answers([(.risk, 1, .yes), (.risk, 3, .yes), (.risk, 4, .yes)]), quietEntry)
        #expect(three.level == .medium)
        #expect(three.basis == [RiskBasis(kind: .count, group: .risk, item: 3, fact: nil, level: .medium)])
        let vulnerable = answers([(.vulnerability, 1, .yes), (.vulnerability, 2, .yes), (.vulnerability, 3, .yes)])
        #expect(RiskRules.propose(vulnerable, quietEntry).level == .medium)
    }

    @Test func protectiveFactorsNeverLowerTheLevelAndAreListed() {
        var given = answers([(.vulnerability, 10, .yes)])
        for item in FactorGroup.protective.items { given[FactorID(.protective, item)] = .init(.yes) }
        let proposal = RiskRules.propose(given, quietEntry)
        #expect(proposal.level == .high)
        #expect(proposal.protective == Array(1...10))
        // And they never raise it either: ten protective "yes" are not "many factors".
        var onlyProtective = ProtocolAnswers()
        for item in FactorGroup.protective.items { onlyProtective[FactorID(.protective, item)] = .init(.yes) }
        #expect(RiskRules.propose(onlyProtective, quietEntry).level == .low)
    }

    @Test func inDangerRightNowIsHigh() {
        var entry = quietEntry
        entry.inDanger = true
        let proposal = RiskRules.propose(ProtocolAnswers(), entry)
        #expect(proposal.level == .high)
        #expect(proposal.basis.map(\.fact) == ["in-danger"])
    }

    @Test(arguments: [CrueltyType.sexual, .exploitation])
    func sexualViolenceAndExploitationAreHigh(type: CrueltyType) {
        var entry = quietEntry
        entry.types = [.bullying, type]
        let proposal = RiskRules.propose(ProtocolAnswers(), entry)
        #expect(proposal.level == .high)
        #expect(proposal.basis.map(\.fact) == ["type:\(type.rawValue)"])
    }

    @Test func physicalViolenceAndAnAdultAggressorAreMedium() {
        var entry = quietEntry
        entry.types = [.physical]
        #expect(RiskRules.propose(ProtocolAnswers(), entry).level == .medium)
        for kind in [AggressorKind.employee, .legalRepresentative] {
            var byAdult = quietEntry
            byAdult.aggressorKind = kind
            let proposal = RiskRules.propose(ProtocolAnswers(), byAdult)
            #expect(proposal.level == .medium)
            #expect(proposal.basis.map(\.fact) == ["aggressor:\(kind.rawValue)"])
        }
        for kind in [AggressorKind.student, .otherAdult, .unknown] {
            var other = quietEntry
            other.aggressorKind = kind
            #expect(RiskRules.propose(ProtocolAnswers(), other).level == .low)
        }
    }

    @Test(arguments: [UrgencyReason.selfHarm, .wordsWeapons, .wordsSexualAbuse, .sexualViolence])
    func urgentReportFlagsAreHigh(reason: UrgencyReason) {
        var entry = quietEntry
        entry.urgency = [reason]
        #expect(RiskRules.propose(ProtocolAnswers(), entry).level == .high)
    }

    @Test(arguments: [UrgencyReason.wordsSuicide, .wordsSelfHarm])
    func wordsAboutSuicideAreHighUnlessTheLeadCheckedAndFoundNoSuchRisk(reason: UrgencyReason) {
        var entry = quietEntry
        entry.urgency = [reason]
        #expect(RiskRules.propose(ProtocolAnswers(), entry).level == .high)
        // One "no" is not enough: both self-harm questions must have been checked.
        #expect(RiskRules.propose(answers([(.vulnerability, 7, .no)]), entry).level == .high)
        let checked = answers([(.vulnerability, 7, .no), (.vulnerability, 8, .no)])
        #expect(RiskRules.propose(checked, entry).level == .low)
    }

    @Test func theBasisNamesOnlyWhatProducedTheLevelInProtocolOrder() {
        var entry = quietEntry
        entry.types = [.physical]
        let given = answers([(.vulnerability, 8, .yes), (.risk, 13, .yes), (.risk, 22, .yes)])
        let proposal = RiskRules.propose(given, entry)
        #expect(proposal.level == .high)
        #expect(proposal.basis.map { "\($0.group!.rawValue) \($0.item!)" } == ["risk 22", "vulnerability 8"])
    }
}

@Suite struct AnswersFileTests {
    @Test func readsPlainAnswersAndAnswersWithNotes() throws {
        let json =
            #"{"risk": {"13": "yes", "2": "no"}, "vulnerability": {"10": {"answer": "yes", "note": "в октябре"}}}"#
        let parsed = try ProtocolAnswers(answersFile: Data(json.utf8))
        #expect(parsed.answer(.risk, 13) == .yes)
        #expect(parsed.answer(.risk, 2) == .no)
        #expect(parsed.answer(.risk, 1) == .unknown)
        #expect(parsed[FactorID(.vulnerability, 10)] == .init(.yes, note: "в октябре"))
        #expect(parsed.answered.map(\.0) == [FactorID(.risk, 2), FactorID(.risk, 13), FactorID(.vulnerability, 10)])
    }

    @Test(arguments: [
        (#"[1, 2]"#, AnswersFileError.notJSON),
        (#"not json"#, .notJSON),
        (#"{"danger": {"1": "yes"}}"#, .unknownGroup("danger")),
        (#"{"risk": {"23": "yes"}}"#, .unknownItem(group: .risk, item: "23")),
        (#"{"protective": {"0": "yes"}}"#, .unknownItem(group: .protective, item: "0")),
        (#"{"vulnerability": {"one": "yes"}}"#, .unknownItem(group: .vulnerability, item: "one")),
        (#"{"risk": {"1": "maybe"}}"#, .badAnswer(FactorID(.risk, 1), "maybe")),
        (#"{"risk": {"1": true}}"#, .badAnswer(FactorID(.risk, 1), "1")),
    ])
    func refusesWhatItCannotRead(json: String, error: AnswersFileError) {
        #expect(throws: error) { try ProtocolAnswers(answersFile: Data(json.utf8)) }
    }
}
