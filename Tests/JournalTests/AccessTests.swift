import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@testable import Journal

/// Restricted entries, assignment to specialists and the removal of members, proven by who holds which key.
@Suite struct AccessTests {
    let fixture: JournalFixture
    let deputy: JournalSession
    let director: JournalSession

    init() throws {
        fixture = try JournalFixture()
        deputy = try Self.add(fixture, "Орынбасар", .deputy)
        director = try Self.add(fixture, "Директор", .director)
    }

    static func add(_ fixture: JournalFixture, _ name: String, _ role: MemberRole) throws -> JournalSession {
        try fixture.addMember(name, role: role, passphrase: "\(name)'s own passphrase")
        return try fixture.journal.unlock(
            member: name, passphrase: Passphrase("\(name)'s own passphrase"), now: fixedNow)
    }

    func keyHolders(_ number: String) throws -> Set<String> {
        try fixture.writer.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT member.name FROM entry_key JOIN member ON member.id = entry_key.member_id
                        JOIN entry ON entry.id = entry_key.entry_id WHERE entry.number = ?
                        """, arguments: [number]))
        }
    }

    @Test func anEntryRestrictedAtRegistrationIsNeverWrappedToTheLead() throws {
        var registration = phoneCall("Руководитель службы кричит на меня")
        registration.restrictTo = ["Директор"]
        registration.restrictionReason = "предполагаемый агрессор — руководитель службы"
        let entry = try deputy.register(report: nil, registration, now: fixedNow)
        let number = entry.record.number
        #expect(entry.access == ["Орынбасар", "Директор"])
        #expect(try keyHolders(number) == ["Орынбасар", "Директор"], "the lead holds no key: not a check in code")
        #expect(throws: JournalError.noKeyForEntry(number)) { try fixture.session.showEntry(number, now: fixedNow) }
        let read = try director.showEntry(number, now: fixedNow)
        #expect(read.fields[.words] == "Руководитель службы кричит на меня")
        #expect(read.fields[.restriction] == "предполагаемый агрессор — руководитель службы")
        // A member added later, even one who reads every entry, does not get it.
        let second = try Self.add(fixture, "Второй директор", .director)
        #expect(throws: JournalError.noKeyForEntry(number)) { try second.showEntry(number, now: fixedNow) }
        #expect(try fixture.journal.verify().failures == [])
    }

    @Test func aRestrictionNeedsAReason() throws {
        var registration = phoneCall("x")
        registration.restrictTo = ["Директор"]
        #expect(throws: JournalError.restrictionWithoutReason) {
            try deputy.register(report: nil, registration, now: fixedNow)
        }
        let number = try fixture.session.register(report: nil, phoneCall("y"), now: fixedNow).record.number
        #expect(throws: JournalError.restrictionWithoutReason) {
            try director.restrict(number, to: ["Орынбасар"], reason: "  ", now: fixedNow)
        }
        #expect(throws: JournalError.notAllowed(member: "Орынбасар", action: .restrict)) {
            try deputy.restrict(number, to: [], reason: "r", now: fixedNow)
        }
    }

    @Test func restrictingLaterRekeysTheEntryAndKeepsItsHistoryReadable() throws {
        let number = try fixture.session.register(report: nil, phoneCall("Сообщение о руководителе"), now: fixedNow)
            .record.number
        var answers = ProtocolAnswers()
        answers[FactorID(.vulnerability, 10)] = .init(.yes, note: "записано до ограничения")
        _ = try fixture.session.assess(
            number, answers: answers, decision: AssessmentDecision(level: .high, outcome: .external), now: fixedNow)

        let readers = try director.restrict(
            number, to: ["Орынбасар"], reason: "агрессор — руководитель службы", now: fixedNow)
        #expect(readers == ["Директор", "Орынбасар"])
        #expect(try keyHolders(number) == ["Директор", "Орынбасар"])
        #expect(throws: JournalError.noKeyForEntry(number)) { try fixture.session.showEntry(number, now: fixedNow) }
        #expect(throws: JournalError.noKeyForEntry(number)) {
            try fixture.session.assessments(of: number, now: fixedNow)
        }

        // What was written before the new key still opens for those who keep access; what is written after too.
        let before = try deputy.assessments(of: number, now: fixedNow)
        #expect(before.first?.answers[FactorID(.vulnerability, 10)].note == "записано до ограничения")
        try director.comment(number, text: "после ограничения", now: fixedNow)
        #expect(try deputy.comments(of: number, now: fixedNow).map(\.text) == ["после ограничения"])
        #expect(try deputy.showEntry(number, now: fixedNow).fields[.words] == "Сообщение о руководителе")
        #expect(try fixture.journal.verify().failures == [])
    }

    @Test func aSpecialistReadsOnlyWhatTheyAreAssigned() throws {
        let specialist = try Self.add(fixture, "Психолог", .specialist)
        let mine = try fixture.session.register(report: nil, phoneCall("Для психолога"), now: fixedNow).record.number
        let other = try fixture.session.register(report: nil, phoneCall("Не для психолога"), now: fixedNow).record
            .number
        #expect(throws: JournalError.noKeyForEntry(mine)) { try specialist.showEntry(mine, now: fixedNow) }
        try fixture.session.assign(mine, to: "Психолог", now: fixedNow)
        #expect(try specialist.showEntry(mine, now: fixedNow).fields[.words] == "Для психолога")
        #expect(throws: JournalError.noKeyForEntry(other)) { try specialist.showEntry(other, now: fixedNow) }

        try director.restrict(other, to: [leadName], reason: "по просьбе семьи", now: fixedNow)
        #expect(throws: JournalError.notAllowed(member: "Психолог", action: .readRestrictedEntry(other))) {
            try fixture.session.assign(other, to: "Психолог", now: fixedNow)
        }
    }

    @Test func removingADeputyRotatesEveryKeyTheyHeldAndOldReportsStillOpen() async throws {
        let spool = try fixture.spool()
        let oldKey = try fixture.servicePublicKey()
        try await fixture.submit([sampleReport("Отправлено до удаления")], to: spool)
        _ = try await fixture.session.pull(spool: spool)
        let number = try fixture.session.register(report: nil, phoneCall("Запись"), now: fixedNow).record.number
        #expect(try keyHolders(number) == [leadName, "Орынбасар", "Директор"])

        let removal = try fixture.session.removeMember("Орынбасар", now: fixedNow)
        #expect(removal.entriesRekeyed == 1)
        let newKey = try #require(removal.newServicePublicKey)
        #expect(newKey.keyID != oldKey.keyID)
        #expect(try fixture.servicePublicKey().keyID == newKey.keyID, "safety-service.pub holds the new key")
        #expect(try fixture.journal.servicePublicKey().keyID == newKey.keyID)

        #expect(try keyHolders(number) == [leadName, "Директор"])
        #expect(throws: JournalError.unknownMember("Орынбасар")) {
            try fixture.journal.unlock(
                member: "Орынбасар", passphrase: Passphrase("Орынбасар's own passphrase"), now: fixedNow)
        }
        #expect(try fixture.journal.members().map(\.name) == [leadName, "Директор"])
        let secretsLeft = try await fixture.writer.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM member_secret WHERE member_id = m.id)
                    + (SELECT COUNT(*) FROM entry_key WHERE member_id = m.id) FROM member m WHERE name = ?
                    """, arguments: ["Орынбасар"])
        }
        #expect(secretsLeft == 0, "every wrapped key of the removed member is gone")

        // The lead unlocks again: the inbox re-sealed under the new inbox key still reads, a report sealed to the
        // old key (still in an intake that was not yet updated) opens, and one sealed to the new key too.
        let lead = try fixture.journal.unlock(member: leadName, passphrase: Passphrase(leadPassphrase), now: fixedNow)
        #expect(try lead.inbox(now: fixedNow).compactMap(\.report?.text) == ["Отправлено до удаления"])
        #expect(try lead.inboxLines(now: fixedNow).map(\.firstLine) == ["Отправлено до удаления"], "first lines too")
        let late = try sealedEntry(sampleReport("Запечатано старым ключом", hour: "2026-11-22T07:00:00Z"), to: oldKey)
        let fresh = try sealedEntry(sampleReport("Запечатано новым ключом", hour: "2026-11-22T08:00:00Z"), to: newKey)
        let summary = try lead.importEnvelopes([late, fresh], now: fixedNow)
        #expect(summary.imported == 2 && summary.unreadable == 0)
        #expect(try lead.showEntry(number, now: fixedNow).fields[.words] == "Запись")
        #expect(try director.showEntry(number, now: fixedNow).fields[.words] == "Запись")
        // The removed member's past events still verify with their public key.
        let failures = try fixture.journal.verify().failures
        #expect(failures == [], "\(failures)")
    }

    @Test func removingAMemberReplacesThePersonKeyAndCodesStillMatch() throws {
        let number = try fixture.session.register(report: nil, phoneCall("Первая"), now: fixedNow).record.number
        try deputy.recordStudent(number, role: .victim, code: "S-017", facts: [], now: fixedNow)
        let macBefore = try fixture.writer.read { db in try Data.fetchOne(db, sql: "SELECT code_mac FROM person") }
        _ = try fixture.session.removeMember("Орынбасар", now: fixedNow)
        let macAfter = try fixture.writer.read { db in try Data.fetchOne(db, sql: "SELECT code_mac FROM person") }
        #expect(macBefore != nil && macAfter != nil && macBefore != macAfter, "the codes are hashed under a new key")
        let lead = try fixture.journal.unlock(member: leadName, passphrase: Passphrase(leadPassphrase), now: fixedNow)
        let second = try lead.register(report: nil, phoneCall("Вторая"), now: fixedNow).record.number
        try lead.recordStudent(second, role: .victim, code: "s-017", facts: [], now: fixedNow)
        #expect(try lead.students(of: number, now: fixedNow).map(\.code) == ["S-017"])
        let people = try fixture.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM person") }
        #expect(people == 1, "the same child after the rotation")
        #expect(try fixture.journal.verify().failures == [])
    }

    @Test func theLeadCannotBeRemovedAndOnlyTheLeadRemoves() throws {
        #expect(throws: JournalError.cannotRemove(leadName)) {
            try fixture.session.removeMember(leadName, now: fixedNow)
        }
        #expect(throws: JournalError.notAllowed(member: "Директор", action: .removeMembers)) {
            try director.removeMember("Орынбасар", now: fixedNow)
        }
        #expect(throws: JournalError.unknownMember("Никто")) {
            try fixture.session.removeMember("Никто", now: fixedNow)
        }
    }
}
