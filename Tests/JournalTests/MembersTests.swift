import Foundation
import GRDB
import SafetyKeys
import TestSupport
import Testing

@testable import Journal

@Suite struct MembersTests {
    let fixture: JournalFixture
    let number: String

    init() throws {
        fixture = try JournalFixture()
        number = try fixture.registerReport(sampleReport("Мне угрожают")).record.number
    }

    func add(_ name: String, _ role: MemberRole) throws -> JournalSession {
        try fixture.session.addMember(
            name: name, role: role, passphrase: Passphrase("\(name)'s own passphrase"), kdf: .testOnlyInteractive,
            now: fixedNow)
        return try fixture.journal.unlock(
            member: name, passphrase: Passphrase("\(name)'s own passphrase"), now: fixedNow)
    }

    @Test func aDirectorReadsEveryEntryBeforeAndAfterJoiningButCannotTriage() throws {
        let director = try add("Директор", .director)
        #expect(try director.showEntry(number, now: fixedNow).fields[.words] == "Мне угрожают")
        let later = try fixture.registerReport(sampleReport("Новое после директора", hour: "2026-11-22T05:00:00Z"))
        #expect(try director.showEntry(later.record.number, now: fixedNow).fields[.words] == "Новое после директора")
        #expect(throws: JournalError.notAllowed(member: "Директор", action: .inbox)) {
            try director.inbox(now: fixedNow)
        }
    }

    @Test func aDeputyTriagesWithTheirOwnPassphrase() throws {
        let deputy = try add("Орынбасар", .deputy)
        try fixture.collect([sampleReport("Ещё одно сообщение", hour: "2026-11-22T06:00:00Z")])
        #expect(try deputy.inbox(now: fixedNow).count == 1)
        #expect(try deputy.showEntry(number, now: fixedNow).fields[.words] == "Мне угрожают")
        #expect(throws: JournalError.wrongPassphrase(member: "Орынбасар")) {
            try fixture.journal.unlock(member: "Орынбасар", passphrase: Passphrase(leadPassphrase), now: fixedNow)
        }
    }

    @Test func anAuditorHoldsNoKeyToAnyEntryAndCannotAssess() throws {
        let auditor = try add("Аудитор", .auditor)
        #expect(throws: JournalError.noKeyForEntry(number)) { try auditor.showEntry(number, now: fixedNow) }
        #expect(throws: JournalError.notAllowed(member: "Аудитор", action: .assess)) {
            try auditor.assess(
                number, answers: ProtocolAnswers(), decision: AssessmentDecision(level: .low, outcome: .none),
                now: fixedNow)
        }
        // By the keys, not by a check in code: no wrapped data key exists for the auditor at all.
        let keys = try fixture.writer.read {
            try Int.fetchOne(
                $0, sql: "SELECT COUNT(*) FROM entry_key k JOIN member m ON m.id = k.member_id WHERE m.name = ?",
                arguments: ["Аудитор"])
        }
        #expect(keys == 0)
    }

    @Test func onlyTheLeadAddsMembersAndNamesAreUnique() throws {
        let deputy = try add("Орынбасар", .deputy)
        #expect(throws: JournalError.notAllowed(member: "Орынбасар", action: .addMembers)) {
            try deputy.addMember(
                name: "X", role: .auditor, passphrase: Passphrase("another long passphrase"),
                kdf: .testOnlyInteractive, now: fixedNow)
        }
        #expect(throws: JournalError.memberExists("Орынбасар")) {
            try fixture.session.addMember(
                name: "Орынбасар", role: .auditor, passphrase: Passphrase("another long passphrase"),
                kdf: .testOnlyInteractive, now: fixedNow)
        }
        let events = try fixture.writer.read {
            try String.fetchAll($0, sql: "SELECT subject FROM event WHERE action = 'member-added'")
        }
        #expect(events == ["Орынбасар deputy"])
    }
}
