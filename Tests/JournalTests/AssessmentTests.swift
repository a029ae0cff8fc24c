import Foundation
import GRDB
import ReportFormat
import TestSupport
import Testing

@testable import Journal

@Suite struct AssessmentTests {
    let fixture: JournalFixture
    let number: String

    init() throws {
        fixture = try JournalFixture()
        number = try fixture.registerReport(sampleReport("Мені сыныпта ұрады", language: .kk, what: [.physical]))
            .record.number
    }

    func attemptedSuicide(note: String? = nil) -> ProtocolAnswers {
        var answers = ProtocolAnswers()
        answers[FactorID(.vulnerability, 10)] = .init(.yes, note: note)
        answers[FactorID(.protective, 2)] = .init(.yes)
        return answers
    }

    @Test func acceptingTheProposalStoresItWithWhoAndWhenAndSetsTheEntrysLevel() throws {
        let proposal = try fixture.session.proposeRisk(for: number, answers: attemptedSuicide(), now: fixedNow)
        let saved = try fixture.session.assess(
            number, answers: attemptedSuicide(), decision: .accept(proposal), now: fixedNow)
        #expect(saved.sequence == 1)
        #expect(saved.proposal.level == .high && saved.decidedLevel == .high && !saved.overridden)
        #expect(saved.outcome == .external)

        let stored = try fixture.session.assessments(of: number, now: fixedNow)
        try #require(stored.count == 1)
        #expect(stored[0].assessedBy == leadName)
        #expect(stored[0].assessedAt == JournalClock.stamp(fixedNow))
        #expect(stored[0].answers == attemptedSuicide())
        #expect(stored[0].proposal == proposal)
        #expect(try fixture.session.findEntry(number, now: fixedNow).riskLevel == "high")
    }

    @Test func choosingAnotherLevelWithoutAReasonIsRefusedAndChangesNothing() throws {
        let before = try dumpEveryTable(fixture.writer)
        for reason in [nil, "", "   \n"] {
            #expect(throws: JournalError.overrideWithoutReason(proposed: .high, decided: .medium)) {
                try fixture.session.assess(
                    number, answers: attemptedSuicide(),
                    decision: AssessmentDecision(level: .medium, reason: reason, outcome: .school), now: fixedNow)
            }
        }
        #expect(try dumpEveryTable(fixture.writer) == before)
    }

    @Test func anOverrideKeepsItsReasonAndTheProposalItOverrode() throws {
        let saved = try fixture.session.assess(
            number, answers: attemptedSuicide(),
            decision: AssessmentDecision(level: .medium, reason: "the hospital calls it an accident", outcome: .school),
            now: fixedNow)
        #expect(saved.overridden)
        let stored = try #require(try fixture.session.assessments(of: number, now: fixedNow).first)
        #expect(stored.proposal.level == .high)
        #expect(stored.decidedLevel == .medium)
        #expect(stored.reason == "the hospital calls it an accident")
        #expect(try fixture.session.findEntry(number, now: fixedNow).riskLevel == "medium")
    }

    @Test func reassessmentAddsANewAssessmentAndKeepsTheEarlierOne() throws {
        let first = try fixture.session.assess(
            number, answers: ProtocolAnswers(),
            decision: .accept(try fixture.session.proposeRisk(for: number, answers: ProtocolAnswers(), now: fixedNow)),
            now: fixedNow)
        #expect(first.decidedLevel == .medium, "physical violence alone is medium")
        let later = fixedNow.addingTimeInterval(86_400)
        let second = try fixture.session.assess(
            number, answers: attemptedSuicide(),
            decision: AssessmentDecision(level: .high, outcome: .external), now: later)
        #expect(second.sequence == 2)
        let history = try fixture.session.assessments(of: number, now: later)
        #expect(history.map(\.sequence) == [1, 2])
        #expect(history.map(\.decidedLevel) == [.medium, .high])
        #expect(history[0].answers == ProtocolAnswers())
        #expect(try fixture.session.findEntry(number, now: later).riskLevel == "high")
    }

    @Test func storedAssessmentsCannotBeChangedOrDeletedBehindSenimsBack() throws {
        try fixture.session.assess(
            number, answers: attemptedSuicide(), decision: AssessmentDecision(level: .high, outcome: .external),
            now: fixedNow)
        #expect(throws: DatabaseError.self) {
            try fixture.writer.write { try $0.execute(sql: "UPDATE assessment SET decided_level = 'low'") }
        }
        #expect(throws: DatabaseError.self) {
            try fixture.writer.write { try $0.execute(sql: "DELETE FROM assessment") }
        }
    }

    @Test func notesAndAnswersAreEncryptedInTheDatabaseFile() throws {
        let note = "Травма в октябре, больница №7"
        try fixture.session.assess(
            number, answers: attemptedSuicide(note: note),
            decision: AssessmentDecision(level: .high, outcome: .external), now: fixedNow)
        _ = try fixture.writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let bytes = try Data(contentsOf: fixture.directory.appendingPathComponent("journal.sqlite"))
        for secret in [note, "больница", "vulnerability"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in the file")
        }
        // The levels and the outcome stay queryable, for statistics.
        let row = try #require(
            try fixture.writer.read {
                try Row.fetchOne($0, sql: "SELECT proposed_level, decided_level, outcome FROM assessment")
            })
        #expect(row["decided_level"] as String == "high")
        #expect(row["outcome"] as String == "external")
    }

    @Test func everyAssessmentIsAnEventInTheLog() throws {
        try fixture.session.assess(
            number, answers: attemptedSuicide(), decision: AssessmentDecision(level: .high, outcome: .external),
            now: fixedNow)
        let events = try fixture.writer.read {
            try String.fetchAll($0, sql: "SELECT subject FROM event WHERE action = 'assess'")
        }
        #expect(events == ["\(number) #1 high"])
    }

    @Test func anUnknownEntryCannotBeAssessed() throws {
        #expect(throws: JournalError.unknownEntry("2026/27-099")) {
            try fixture.session.assess(
                "2026/27-099", answers: ProtocolAnswers(),
                decision: AssessmentDecision(level: .low, outcome: .none), now: fixedNow)
        }
    }
}
