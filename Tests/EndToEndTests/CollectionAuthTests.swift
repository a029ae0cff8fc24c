import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntakeServer
import Journal
import ReportFormat
import SafetyKeys
import Synchronization
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
        let intake = try await Intake.make(clock: .custom(clock)) { configuration in
            configuration.publicKeyPath = created.servicePublicKeyPath
            configuration.collectorKeyPath = created.collectorPublicKeyPath
        }
        return (intake.services, session)
    }

    func header(
        _ session: JournalSession, path: String, body: String, at date: Date, challenge: String
    ) throws -> HTTPFields {
        let auth = try session.authorize(
            method: "POST", path: path, body: Array(body.utf8), challenge: challenge, now: date)
        return [.authorization: auth.headerValue, .contentType: "application/json"]
    }

    /// The intake's current challenge, as `senim pull` asks for it.
    func challenge(_ app: some ApplicationProtocol) async throws -> String {
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/collect/challenge", method: .get) { response in
                #expect(response.status == .ok)
                return try JSONDecoder().decode(
                    CollectionAPI.ChallengeResponse.self, from: Data(buffer: response.body)
                ).challenge
            }
        }
    }

    @Test func aSignedRequestIsAnsweredAndItsReplayRefused() async throws {
        let now = self.now
        let (services, session) = try await services(clock: { now })
        let body = #"{"limit":10}"#
        let app = Application(router: buildRouter(services))
        let headers = try header(
            session, path: "/api/v1/collect", body: body, at: now, challenge: try await challenge(app))
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
        let app = Application(router: buildRouter(services))
        let challenge = try await challenge(app)
        let stale = try header(
            session, path: "/api/v1/collect", body: body, at: now.addingTimeInterval(-301), challenge: challenge)
        let otherPath = try header(session, path: "/api/v1/collect/ack", body: body, at: now, challenge: challenge)
        let otherBody = try header(
            session, path: "/api/v1/collect", body: #"{"limit":11}"#, at: now, challenge: challenge)
        let madeUp = try header(
            session, path: "/api/v1/collect", body: body, at: now, challenge: String(repeating: "0", count: 32))
        try await app.test(.router) { client in
            for headers in [
                stale, otherPath, otherBody, madeUp, [.authorization: "Senim-Collector ts=1, nonce=x, sig=y"],
            ] {
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
        let report = sampleReport(
            "ack test", language: .en, hour: Report.hour(of: now), reporter: .other, what: [.other], place: nil,
            timing: nil)
        let entry = SpoolEntry(envelope: try services.sealer.seal(report), day: Report.day(of: now))
        try await services.spool.append([entry])
        let body = #"{"ids":["\#(entry.id.hexString)"]}"#
        let app = Application(router: buildRouter(services))
        let headers = try header(
            session, path: "/api/v1/collect/ack", body: body, at: now, challenge: try await challenge(app))
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

    @Test func aRequestSignedForOneIntakeIsRefusedByAnotherWithTheSameKeyAndAfterARestart() async throws {
        let now = self.now
        let (first, session) = try await services(clock: { now })
        // The same journal's keys: a second intake, or the first one started again.
        let second = try await Intake.make(clock: .fixed(now)) { $0 = first.configuration }.services
        let body = #"{"limit":10}"#
        let firstApp = Application(router: buildRouter(first))
        let signed = try header(
            session, path: "/api/v1/collect", body: body, at: now, challenge: try await challenge(firstApp))
        let secondApp = Application(router: buildRouter(second))
        try await secondApp.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/collect", method: .post, headers: signed, body: ByteBuffer(string: body)
            ) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func aChallengeIsGoodForItsWindowAndTheNextOnly() async throws {
        let clock = MovingClock(start: now)
        let (services, session) = try await services(clock: { clock.now })
        let body = #"{"limit":10}"#
        let app = Application(router: buildRouter(services))
        let challenge = try await challenge(app)
        for (advance, expected) in [(0.0, HTTPResponse.Status.ok), (300, .ok), (900, .unauthorized)] {
            clock.set(now.addingTimeInterval(advance))
            let headers = try header(session, path: "/api/v1/collect", body: body, at: clock.now, challenge: challenge)
            try await app.test(.router) { client in
                try await client.execute(
                    uri: "/api/v1/collect", method: .post, headers: headers, body: ByteBuffer(string: body)
                ) { #expect($0.status == expected, "\(advance) s later") }
            }
        }
    }
}

/// A clock a test moves.
final class MovingClock: Sendable {
    private let current: Mutex<Date>
    init(start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}
