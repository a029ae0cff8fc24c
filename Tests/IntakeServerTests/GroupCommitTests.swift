import Foundation
import HTTPTypes
import HummingbirdTesting
import IntakeServer
import ReportFormat
import Spool
import TestSupport
import Testing

/// Many reports posted at once through the router: each is acknowledged only once committed (the spool's group
/// commit, from the intake's side).
@Suite struct GroupCommitThroughTheRouter {
    @Test func twoHundredConcurrentReportsAreAllStoredAndOpen() async throws {
        let intake = try await Intake.make(onDisk: true) { $0.globalPerMinute = 0 }
        let statuses = try await intake.test { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for number in 0..<200 {
                    var fields = Sample.ru.fields
                    fields.set("text", "Сообщение номер \(number)")
                    group.addTask { [fields] in try await client.postForm(fields).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
        }
        #expect(statuses.count == 200)
        #expect(statuses.allSatisfy { $0 == .accepted })
        let reports = try intake.openedReports()
        #expect(reports.count == 200)
        #expect(Set(reports.map(\.text)) == Set((0..<200).map { "Сообщение номер \($0)" }))
        #expect(reports.allSatisfy { $0.receivedHour == fixedHour && $0.language == .ru })
    }
}
