import Foundation
import GRDB
import SafetyKeys
import Testing

@testable import Journal

/// What each role may and may not do, and that what it may not read it cannot read for lack of keys.
@Suite struct RoleBoundaryTests {
    enum Operation: String, CaseIterable {
        case inbox, pull, register, list, read, assess, plan, step, comment, signOff, audit, addMember, restrict
        case assign, backup
    }

    let fixture: JournalFixture
    let number: String

    init() throws {
        fixture = try JournalFixture()
        number = try fixture.session.register(report: nil, phoneCall("Слова ребёнка"), now: fixedNow).record.number
    }

    func session(_ role: MemberRole) throws -> JournalSession {
        if role == .lead { return fixture.session }
        let name = "Member \(role.rawValue)"
        try fixture.addMember(name, role: role, passphrase: "\(name)'s own passphrase")
        return try fixture.journal.unlock(
            member: name, passphrase: Passphrase("\(name)'s own passphrase"), now: fixedNow)
    }

    /// Tries one operation; nil when it worked, else the error.
    func attempt(_ operation: Operation, as session: JournalSession) -> JournalError? {
        do {
            switch operation {
            case .inbox: _ = try session.inbox(now: fixedNow)
            case .pull: _ = try session.importEnvelopes([], now: fixedNow)
            case .register: _ = try session.register(report: nil, phoneCall("ещё"), now: fixedNow)
            case .list: _ = try session.entries(now: fixedNow)
            case .read: _ = try session.showEntry(number, now: fixedNow)
            case .assess:
                var answers = ProtocolAnswers()
                answers[FactorID(.protective, 2)] = .init(.yes)
                _ = try session.assess(
                    number, answers: answers, decision: AssessmentDecision(level: .low, outcome: .none), now: fixedNow)
            case .plan:
                try session.addMeasure(
                    PlanMeasure(kind: "беседа", responsible: "психолог", volume: "1", term: "неделя", indicator: "ок"),
                    to: number, now: fixedNow)
            case .step: try session.record(.primaryInformation, of: number, now: fixedNow)
            case .comment: try session.comment(number, text: "комментарий", now: fixedNow)
            case .signOff: try session.signOff(number, now: fixedNow)
            case .audit: _ = try session.audit(now: fixedNow)
            case .addMember:
                try session.addMember(
                    name: "New \(UUID().uuidString.prefix(6))", role: .deputy,
                    passphrase: Passphrase("a new passphrase"),
                    kdf: .testOnlyInteractive, now: fixedNow)
            case .restrict: try session.restrict(number, to: [leadName], reason: "причина", now: fixedNow)
            case .assign: try session.assign(number, to: leadName, now: fixedNow)
            case .backup:
                try session.backup(
                    to: fixture.folder.path("\(UUID().uuidString).backup"), passphrase: Passphrase("backup passphrase"),
                    kdf: .testOnlyInteractive, now: fixedNow)
            }
            return nil
        } catch let error as JournalError {
            return error
        } catch {
            return .damaged("\(error)")
        }
    }

    static let allowed: [MemberRole: Set<Operation>] = [
        .lead: Set(Operation.allCases).subtracting([.signOff]),
        .deputy: [.inbox, .pull, .register, .list, .read, .assess, .plan, .step, .comment, .assign, .backup],
        .director: [.list, .read, .comment, .signOff, .audit, .restrict, .assign, .backup],
        .specialist: [.list],
        .auditor: [.list, .audit],
    ]

    @Test(arguments: [MemberRole.lead, .deputy, .director, .specialist, .auditor])
    func eachRoleDoesWhatItMayAndNothingElse(role: MemberRole) throws {
        let session = try session(role)
        for operation in Operation.allCases {
            let error = attempt(operation, as: session)
            if Self.allowed[role]!.contains(operation) {
                #expect(error == nil, "\(role) \(operation): \(String(describing: error))")
            } else {
                #expect(error != nil, "\(role) may not \(operation)")
                if case .damaged = error {
                    Issue.record("\(role) \(operation) failed oddly: \(String(describing: error))")
                }
            }
        }
    }

    @Test(arguments: [MemberRole.specialist, .auditor])
    func whatARoleMayNotReadItHoldsNoKeyFor(role: MemberRole) throws {
        let session = try session(role)
        #expect(attempt(.read, as: session) == .noKeyForEntry(number), "refused by the keys, not by a role check")
        let held = try fixture.writer.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM entry_key WHERE member_id = ?)
                    + (SELECT COUNT(*) FROM member_secret WHERE member_id = ?)
                    """, arguments: [session.member.id!, session.member.id!])
        }
        #expect(held == 0, "\(role) holds no entry key and no triage secret")
    }

    @Test func anAssignedSpecialistReadsAndWritesTheirEntryOnly() throws {
        let specialist = try session(.specialist)
        try fixture.session.assign(number, to: specialist.member.name, now: fixedNow)
        for operation in [Operation.read, .assess, .plan, .step, .comment] {
            #expect(attempt(operation, as: specialist) == nil, "\(operation)")
        }
        let other = try fixture.session.register(report: nil, phoneCall("другое"), now: fixedNow).record.number
        #expect(throws: JournalError.noKeyForEntry(other)) { try specialist.showEntry(other, now: fixedNow) }
        #expect(try fixture.journal.verify().failures == [])
    }

    @Test func anAuditorCountsWithoutReading() throws {
        let auditor = try session(.auditor)
        let entries = try auditor.entries(now: fixedNow)
        #expect(entries.map(\.number) == [number])
        #expect(entries.first?.crueltyTypes == [.bullying])
        #expect(throws: JournalError.noKeyForEntry(number)) { try auditor.showEntry(number, now: fixedNow) }
    }
}
