import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import Journal
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

/// The collection API's signature checks, through the router, with a controlled clock.
@Suite struct CollectionAuthorization {
    let folder = try! TemporaryDirectory()
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func services(clock: @escaping @Sendable () -> Date) async throws -> (IntakeServices, JournalSession) {
        let created = try Journal.create(
            directory: folder.url.appendingPathComponent("journal"), leadName: "lead",
            passphrase: Passphrase("collection test passphrase"), kdf: .testOnlyInteractive, now: now)
        let session = try created.journal.unlock(
            member: nil, passphrase: Passphrase("collection test passphrase"), now: now)
        var configuration = IntakeConfiguration()
        configuration.publicKeyPath = created.servicePublicKeyPath
        configuration.collectorKeyPath = created.collectorPublicKeyPath
        configuration.webDirectory = Repository.web.path
        let services = try await IntakeServices(configuration: configuration, spool: .inMemory(), now: clock)
        return (services, session)
    }

    func header(_ session: JournalSession, path: String, body: String, at date: Date) throws -> HTTPFields {
        let auth = try session.authorize(method: "POST", path: path, body: Array(body.utf8), now: date)
        return [.authorization: auth.headerValue, .contentType: "application/json"]
    }

    @Test func aSignedRequestIsAnsweredAndItsReplayRefused() async throws {
        let now = self.now
        let (services, session) = try await services(clock: { now })
        let body = #"{"limit":10}"#
        let headers = try header(session, path: "/api/v1/collect", body: body, at: now)
        let app = Application(router: buildRouter(services))
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/collect", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .ok)
                let page = try JSONDecoder().decode(CollectionAPI.CollectResponse.self, from: Data(buffer: $0.body))
                #expect(page.items.isEmpty && page.more == false)
            }
            try await client.execute(
                uri: "/api/v1/collect", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .unauthorized)
                #expect($0.body.readableBytes == 0)
            }
        }
    }

    @Test func aStaleOrAlteredRequestIsRefused() async throws {
        let now = self.now
        let (services, session) = try await services(clock: { now })
        let body = #"{"limit":10}"#
        let stale = try header(session, path: "/api/v1/collect", body: body, at: now.addingTimeInterval(-301))
        let otherPath = try header(session, path: "/api/v1/collect/ack", body: body, at: now)
        let otherBody = try header(session, path: "/api/v1/collect", body: #"{"limit":11}"#, at: now)
        let app = Application(router: buildRouter(services))
        try await app.test(.router) { client in
            for headers in [stale, otherPath, otherBody, [.authorization: "Senim-Collector ts=1, nonce=x, sig=y"]] {
                try await client.execute(
                    uri: "/api/v1/collect", method: .post, headers: headers, body: ByteBuffer(string: body)
                ) {
                    #expect($0.status == .unauthorized)
                    #expect($0.body.readableBytes == 0)
                }
            }
        }
    }

    @Test func acknowledgedEnvelopesAreDeletedFromTheSpool() async throws {
        let now = self.now
        let (services, session) = try await services(clock: { now })
        let report = Report(
            language: .en, receivedHour: Report.hour(of: now), reporter: .other, what: [.other], place: nil,
            timing: nil, inDanger: false, classOrGrade: nil, text: "ack test", names: nil, contact: nil)
        let entry = SpoolEntry(envelope: try services.sealer.seal(report), day: Report.day(of: now))
        try await services.spool.append([entry])
        let body = #"{"ids":["\#(entry.id.hexString)"]}"#
        let headers = try header(session, path: "/api/v1/collect/ack", body: body, at: now)
        let app = Application(router: buildRouter(services))
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/collect/ack", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) {
                #expect($0.status == .ok)
                let ack = try JSONDecoder().decode(CollectionAPI.AckResponse.self, from: Data(buffer: $0.body))
                #expect(ack.deleted == 1)
            }
        }
        #expect(try services.spool.count() == 0)
    }
}
