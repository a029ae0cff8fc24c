import Foundation
import GRDB
import SafetyKeys
import TestSupport
import Testing

@testable import Journal

/// A row changed behind Senim's back stays visible to `journal verify` however Senim goes on working: no later
/// event fingerprints and signs the changed row as if it were Senim's own (issue 13 §1). Each test changes a row
/// the way `sqlite3` would, then takes the ordinary path that writes (or trusts) that row.
@Suite struct LaunderingTests {
    let directorName = "Гүлнар Әбенқызы"
    let directorPassphrase = "TEST ONLY director passphrase"

    func events(_ fixture: JournalFixture) throws -> Int {
        try fixture.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event")! }
    }

    func memberRowID(_ fixture: JournalFixture, _ name: String) throws -> Int64 {
        try fixture.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM member WHERE name = ?", arguments: [name])!
        }
    }

    /// The error a call threw, as a journal error.
    func refusal(_ body: () throws -> Void) -> JournalError? {
        do {
            try body()
            return nil
        } catch let error as JournalError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    func changedRows(_ fixture: JournalFixture) throws -> [RowProblem] {
        try fixture.journal.verify().failures.compactMap { failure in
            if case .rowChanged(let problem) = failure { return problem }
            return nil
        }
    }

    @Test func aMembersBoxKeyReplacedBehindSenimsBackIsRefusedAtUnlockAndStaysVisible() throws {
        let fixture = try JournalFixture()
        try fixture.addMember(directorName, role: .director, passphrase: directorPassphrase)
        let director = try memberRowID(fixture, directorName)
        let attacker = MemberKeys()
        try fixture.tamper { db in
            try db.execute(
                sql: "UPDATE member SET box_public_key = ? WHERE id = ?",
                arguments: [Data(attacker.boxPublicKey), director])
        }
        let before = try events(fixture)

        let error = refusal {
            _ = try fixture.journal.unlock(
                member: directorName, passphrase: Passphrase(directorPassphrase), now: fixedNow)
        }
        guard case .changedBehindSenim(let problem) = error else {
            Issue.record("the director's unlock was not refused: \(String(describing: error))")
            return
        }
        #expect(problem.table == "member")
        #expect(problem.rowID == director)
        #expect(try events(fixture) == before, "a refused unlock records nothing")
        #expect(try changedRows(fixture).map(\.rowID) == [director], "verify still sees the changed row")
    }

    @Test func noEntryKeyIsSealedToAMembersKeyReplacedBehindSenimsBack() throws {
        let fixture = try JournalFixture()
        try fixture.addMember(directorName, role: .director, passphrase: directorPassphrase)
        let director = try memberRowID(fixture, directorName)
        let attacker = MemberKeys()
        let sent = sampleReport("Мені сыныптастарым ұрады", language: .kk)
        let collected = try #require(try fixture.collect([sent]).first)
        try fixture.tamper { db in
            try db.execute(
                sql: "UPDATE member SET box_public_key = ? WHERE id = ?",
                arguments: [Data(attacker.boxPublicKey), director])
        }
        let before = try events(fixture)

        let error = refusal {
            _ = try fixture.session.register(
                report: collected.shortID, Registration(report: sent), now: fixedNow.addingTimeInterval(60))
        }
        guard case .changedBehindSenim(let problem) = error else {
            Issue.record("registering sealed a key to a replaced key: \(String(describing: error))")
            return
        }
        #expect(problem.table == "member")
        #expect(problem.rowID == director)
        #expect(try events(fixture) == before)
        let sealedToAttacker = try fixture.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entry_key WHERE member_id = ?", arguments: [director])!
        }
        #expect(sealedToAttacker == 0)
        #expect(try fixture.session.findReport(collected.shortID).state == .pending, "the report still waits")
    }

    @Test func anotherColumnOfTheMembersOwnRowChangedIsRefusedWhenTheUnlockIsRecorded() throws {
        let fixture = try JournalFixture()
        try fixture.addMember(directorName, role: .director, passphrase: directorPassphrase)
        let director = try memberRowID(fixture, directorName)
        try fixture.tamper { db in
            try db.execute(sql: "UPDATE member SET role = 'lead' WHERE id = ?", arguments: [director])
        }
        let error = refusal {
            _ = try fixture.journal.unlock(
                member: directorName, passphrase: Passphrase(directorPassphrase), now: fixedNow)
        }
        guard case .changedBehindSenim(let problem) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(problem.rowID == director)
        let added = try fixture.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM event WHERE action = 'member-added'")
        }
        #expect(problem.event == added, "the event that last recorded the row is named")
        #expect(try changedRows(fixture).map(\.rowID) == [director])
    }

    @Test func anEntryRowChangedBehindSenimsBackIsNotSignedByTheNextAssessment() async throws {
        let walk = try await Walkthrough()
        try walk.fixture.tamper { db in try db.execute(sql: "UPDATE entry SET in_danger = 0, risk_level = 'low'") }
        let before = try events(walk.fixture)
        let error = refusal {
            _ = try walk.fixture.session.assess(
                walk.number, answers: ProtocolAnswers(),
                decision: AssessmentDecision(level: .low, reason: nil, outcome: .none),
                now: date("2026-11-23T09:10:00Z"))
        }
        guard case .changedBehindSenim(let problem) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(problem.table == "entry")
        #expect(problem.entryNumber == walk.number)
        #expect(try events(walk.fixture) == before)
        #expect(try changedRows(walk.fixture).map(\.table) == ["entry"])
    }

    @Test func statisticsRefuseToCountAnEntryChangedBehindSenimsBack() async throws {
        let walk = try await Walkthrough()
        let period = StatsPeriod(year: AcademicYear(startYear: 2026), span: .year)
        #expect(try walk.fixture.journal.statistics(period).entries == 1)
        try walk.fixture.tamper { db in try db.execute(sql: "UPDATE entry SET types = 'cyberbullying'") }
        let error = refusal { _ = try walk.fixture.journal.statistics(period) }
        guard case .changedBehindSenim(let problem) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(problem.table == "entry")
        #expect(problem.entryNumber == walk.number)
    }

    @Test func aWaitingReportsUrgencyClearedBehindSenimsBackIsNeitherTrustedNorSigned() throws {
        let fixture = try JournalFixture()
        let sent = sampleReport("У него нож, он сказал что убьёт меня", inDanger: true)
        let quiet = sampleReport("Меня дразнят в столовой")
        let collected = try fixture.collect([sent, quiet])
        let urgent = collected[0]
        #expect(!urgent.urgency.isEmpty)
        try fixture.tamper { db in
            try db.execute(
                sql: "UPDATE report SET urgent_reasons = '', in_danger = 0 WHERE id = ?", arguments: [urgent.id])
        }

        // The queue does not list it as the log would vouch for it, and says why.
        let lines = try fixture.session.inboxLines(now: fixedNow)
        let listed = try #require(lines.first { $0.record.id == urgent.id })
        #expect(listed.record.state == .unreadable)
        #expect(listed.record.unreadableReason?.contains("senim journal verify") == true)
        #expect(listed.firstLine == nil)
        let items = try fixture.session.inbox(now: fixedNow)
        let item = try #require(items.first { $0.record.id == urgent.id })
        #expect(item.report == nil && item.record.state == .unreadable)
        #expect(
            try fixture.session.inbox(now: fixedNow, includeUnreadable: false).map(\.record.id) == [collected[1].id])

        // Registering it would sign the cleared flag: refused, nothing changed.
        let before = try events(fixture)
        let error = refusal {
            _ = try fixture.session.register(
                report: urgent.shortID, Registration(report: sent), now: fixedNow.addingTimeInterval(60))
        }
        guard case .changedBehindSenim(let problem) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(problem.table == "report")
        #expect(try events(fixture) == before)
        #expect(try changedRows(fixture).map(\.table) == ["report"])
    }

    @Test func aRowDeletedBehindSenimsBackIsNotReplacedByTheNextInsertWithItsRowID() throws {
        let fixture = try JournalFixture()
        let first = sampleReport("Бірінші хабарлама")
        let second = sampleReport("Екінші хабарлама")
        let collected = try fixture.collect([first, second])
        _ = try fixture.session.register(report: collected[0].shortID, Registration(report: first), now: fixedNow)
        // The last entry key goes; the next registration's key would take its row ID.
        let deleted = try fixture.writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(rowid) FROM entry_key")! }
        try fixture.tamper { db in
            try db.execute(sql: "DELETE FROM entry_key WHERE rowid = ?", arguments: [deleted])
        }
        let error = refusal {
            _ = try fixture.session.register(
                report: collected[1].shortID, Registration(report: second), now: fixedNow.addingTimeInterval(60))
        }
        guard case .changedBehindSenim(let problem) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(problem.table == "entry_key")
        #expect(problem.rowID == deleted)
        let missing = try fixture.journal.verify().failures.filter {
            if case .rowMissing(let problem) = $0 { return problem.rowID == deleted }
            return false
        }
        #expect(missing.count == 1, "verify still sees the deleted row")
    }

    @Test func ordinaryWorkOnAnUntouchedJournalIsNotRefused() async throws {
        let walk = try await Walkthrough()
        try walk.fixture.addMember(directorName, role: .director, passphrase: directorPassphrase)
        let director = try walk.fixture.journal.unlock(
            member: directorName, passphrase: Passphrase(directorPassphrase), now: fixedNow)
        try director.comment(walk.number, text: "Ата-анасымен сөйлесу керек", now: fixedNow)
        _ = try walk.fixture.session.assess(
            walk.number, answers: ProtocolAnswers(),
            decision: AssessmentDecision(level: .low, reason: nil, outcome: .none),
            now: date("2026-11-23T09:10:00Z"))
        #expect(try walk.fixture.journal.verify().isIntact)
    }
}
