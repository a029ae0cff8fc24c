import Foundation
import GRDB
import TestSupport
import Testing

@testable import Journal

@Suite struct PlanTests {
    let fixture: JournalFixture
    let number: String

    init() throws {
        fixture = try JournalFixture()
        number = try fixture.registerReport(sampleReport("Дразнят в чате")).record.number
    }

    let measure = PlanMeasure(
        kind: "Психологическое сопровождение", responsible: "педагог-психолог Ахметова", volume: "1 раз в неделю",
        term: "до 25.12.2026", indicator: "нет повторных обращений")

    @Test func measuresAndReferralsAreKeptInOrderWithWhoAndWhen() throws {
        try fixture.session.addMeasure(measure, to: number, now: fixedNow)
        let referral = Referral(recipient: "межведомственная группа", sent: "сообщение, протокол", on: "2026-11-23")
        try fixture.session.addReferral(referral, to: number, now: fixedNow.addingTimeInterval(60))
        let plan = try fixture.session.plan(of: number, now: fixedNow)
        #expect(plan.measures.map(\.content) == [measure])
        #expect(plan.measures.first?.by == leadName)
        #expect(plan.measures.first?.at == JournalClock.stamp(fixedNow))
        #expect(plan.referrals.map(\.content) == [referral])
    }

    @Test func anIncompleteMeasureOrReferralIsRefusedAndChangesNothing() throws {
        let before = try dumpEveryTable(fixture.writer)
        var missing = measure
        missing.indicator = "  "
        #expect(throws: JournalError.incompletePlanItem) {
            try fixture.session.addMeasure(missing, to: number, now: fixedNow)
        }
        #expect(throws: JournalError.incompletePlanItem) {
            try fixture.session.addReferral(
                Referral(recipient: "МВГ", sent: "", on: "2026-11-23"), to: number, now: fixedNow)
        }
        #expect(throws: JournalError.incompletePlanItem) {
            try fixture.session.addReferral(
                Referral(recipient: "МВГ", sent: "всё", on: "23.11.2026"), to: number, now: fixedNow)
        }
        #expect(try dumpEveryTable(fixture.writer) == before)
    }

    @Test func thePlanIsEncryptedAndAppendOnly() throws {
        try fixture.session.addMeasure(measure, to: number, now: fixedNow)
        _ = try fixture.writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let bytes = try Data(contentsOf: fixture.directory.appendingPathComponent("journal.sqlite"))
        #expect(bytes.range(of: Data("Ахметова".utf8)) == nil)
        #expect(throws: DatabaseError.self) {
            try fixture.writer.write { try $0.execute(sql: "UPDATE plan_item SET kind = 'referral'") }
        }
    }
}
