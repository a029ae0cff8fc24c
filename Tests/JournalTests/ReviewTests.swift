import Foundation
import GRDB
import SafetyKeys
import TestSupport
import Testing

@testable import Journal

@Suite struct ReviewTests {
    let fixture: JournalFixture
    let first: String
    let second: String
    let director: JournalSession

    init() throws {
        fixture = try JournalFixture()
        first = try fixture.registerReport(sampleReport("Меня толкают на перемене")).record.number
        second = try fixture.registerReport(sampleReport("Он сказал, что принесёт нож", hour: "2026-11-22T05:00:00Z"))
            .record.number
        try fixture.addMember("Директор", role: .director, passphrase: "Директор's own passphrase")
        director = try fixture.journal.unlock(
            member: "Директор", passphrase: Passphrase("Директор's own passphrase"), now: fixedNow)
    }

    func assessHigh(_ number: String, by session: JournalSession) throws {
        var answers = ProtocolAnswers()
        answers[FactorID(.vulnerability, 10)] = .init(.yes)
        _ = try session.assess(
            number, answers: answers, decision: AssessmentDecision(level: .high, outcome: .external), now: fixedNow)
    }

    @Test func aSignOffHoldsUntilTheEntryChangesThenShowsOutdated() throws {
        let signed = try director.signOff(first, now: fixedNow)
        #expect(signed.current && signed.signatureValid)
        #expect(try director.signOffs(of: first, now: fixedNow) == [signed])
        // Views and comments do not change the entry's content.
        _ = try fixture.session.showEntry(first, now: fixedNow)
        try director.comment(first, text: "Поговорить с классным руководителем", now: fixedNow)
        #expect(try director.signOffs(of: first, now: fixedNow).map(\.current) == [true])

        try assessHigh(first, by: fixture.session)
        let after = try director.signOffs(of: first, now: fixedNow)
        #expect(after.count == 1)
        #expect(after[0].signatureValid, "the signature is still the director's")
        #expect(!after[0].current, "but over content the entry no longer has")

        try director.signOff(first, now: fixedNow)
        #expect(try director.signOffs(of: first, now: fixedNow).map(\.current) == [false, true])
        #expect(try fixture.journal.verify().failures == [])
    }

    @Test func aSignatureIsTheDirectorsOverThisEntryOnly() throws {
        try director.signOff(first, now: fixedNow)
        // The signed hash moved to the other entry: the signature no longer verifies there.
        try fixture.tamper { db in
            try db.execute(sql: "DROP TRIGGER signoff_append_only_update")
            try db.execute(
                sql: "UPDATE signoff SET entry_id = (SELECT id FROM entry WHERE number = ?)", arguments: [second])
        }
        let moved = try director.signOffs(of: second, now: fixedNow)
        #expect(moved.count == 1)
        #expect(!moved[0].signatureValid)
        #expect(try director.signOffs(of: first, now: fixedNow).isEmpty)
        #expect(!(try fixture.journal.verify().isIntact))
    }

    @Test func anOpenEntryReadsAndWritesAsTheSessionDoesByNumber() throws {
        try assessHigh(first, by: fixture.session)
        try fixture.session.comment(first, text: "Классный руководитель предупреждён", now: fixedNow)
        let entry = try director.open(entry: first, now: fixedNow)
        #expect(entry.number == first)
        #expect(try entry.detail(now: fixedNow).fields == (try director.showEntry(first, now: fixedNow)).fields)
        #expect(try entry.assessments().map(\.decidedLevel) == [.high])
        #expect(try entry.comments() == (try director.comments(of: first, now: fixedNow)))
        try entry.comment("Поговорю с родителями", now: fixedNow)
        let signed = try entry.signOff(now: fixedNow)
        #expect(try director.comments(of: first, now: fixedNow).map(\.text).last == "Поговорю с родителями")
        #expect(try director.signOffs(of: first, now: fixedNow) == [signed])
        #expect(try entry.signOffs() == [signed])
        // The checks of the role stay: the lead's open entry cannot be signed off.
        let lead = try fixture.session.open(entry: first, now: fixedNow)
        #expect(throws: JournalError.notAllowed(member: leadName, action: .signOff)) { try lead.signOff(now: fixedNow) }
        #expect(throws: JournalError.unknownEntry("2026/27-999")) {
            try director.open(entry: "2026/27-999", now: fixedNow)
        }
    }

    @Test func onlyTheDirectorSignsOff() throws {
        #expect(throws: JournalError.notAllowed(member: leadName, action: .signOff)) {
            try fixture.session.signOff(first, now: fixedNow)
        }
    }

    @Test func commentsAreSealedWithTheEntryAndReadByThoseWhoReadIt() throws {
        let words = "Позвонить маме в четверг"
        try director.comment(first, text: "  \(words)  ", now: fixedNow)
        let comments = try fixture.session.comments(of: first, now: fixedNow)
        #expect(comments.map(\.text) == [words])
        #expect(comments.map(\.by) == ["Директор"])
        let stored = try fixture.writer.read { db in try Data.fetchAll(db, sql: "SELECT sealed FROM entry_comment") }
        #expect(stored.count == 1)
        #expect(!String(decoding: stored[0], as: UTF8.self).contains("Позвонить"))
        #expect(throws: JournalError.emptyComment) { try director.comment(first, text: " \n ", now: fixedNow) }

        try fixture.addMember("Аудитор", role: .auditor, passphrase: "Аудитор's own passphrase")
        let auditor = try fixture.journal.unlock(
            member: "Аудитор", passphrase: Passphrase("Аудитор's own passphrase"), now: fixedNow)
        #expect(throws: JournalError.noKeyForEntry(first)) { try auditor.comments(of: first, now: fixedNow) }
        #expect(throws: JournalError.notAllowed(member: "Аудитор", action: .comment)) {
            try auditor.comment(first, text: "x", now: fixedNow)
        }
    }

    @Test func theQueuePutsUnsignedHighRiskFirstAndSignedLast() throws {
        let third = try fixture.registerReport(sampleReport("Третье", hour: "2026-11-22T06:00:00Z")).record.number
        try assessHigh(third, by: fixture.session)
        try director.signOff(first, now: fixedNow)
        let queue = try director.reviewQueue(now: fixedNow)
        #expect(queue.map(\.record.number) == [third, second, first])
        #expect(queue.map(\.waiting) == [true, true, false])
    }
}
