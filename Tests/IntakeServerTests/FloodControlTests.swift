import IntakeServer
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let instant: Mutex<ContinuousClock.Instant>

    /// Starts a second after now, so the flood control's first minute begins before any request.
    init() { instant = Mutex(.now + .seconds(1)) }

    var now: ContinuousClock.Instant { instant.withLock { $0 } }

    func advance(by duration: Duration) { instant.withLock { $0 += duration } }
}

@Suite struct FloodControlTests {
    let clock = ManualClock()

    func flood(perClient: Int, global: Int) -> FloodControl {
        FloodControl(perClientPerMinute: perClient, globalPerMinute: global, now: { [clock] in clock.now })
    }

    func admit(_ flood: FloodControl, _ client: UInt64?, times: Int) -> [FloodControl.Decision] {
        (0..<times).map { _ in flood.admit(client: client) }
    }

    @Test func aClientOverItsCapIsRefused() {
        let flood = flood(perClient: 2, global: 0)
        #expect(admit(flood, 7, times: 4) == [.allow, .allow, .tooMany, .tooMany])
    }

    @Test func clientsAreCountedApart() {
        let flood = flood(perClient: 2, global: 0)
        #expect(admit(flood, 1, times: 3) == [.allow, .allow, .tooMany])
        #expect(admit(flood, 2, times: 3) == [.allow, .allow, .tooMany])
        #expect(flood.admit(client: 3) == .allow)
    }

    @Test func theGlobalCapCountsEveryone() {
        let flood = flood(perClient: 2, global: 3)
        #expect(flood.admit(client: 1) == .allow)
        #expect(flood.admit(client: 2) == .allow)
        #expect(flood.admit(client: nil) == .allow)
        #expect(flood.admit(client: 4) == .tooMany)
        #expect(flood.admit(client: nil) == .tooMany)
    }

    @Test func aRequestRefusedForItsClientDoesNotUseUpTheGlobalCap() {
        let flood = flood(perClient: 1, global: 2)
        #expect(admit(flood, 1, times: 5) == [.allow, .tooMany, .tooMany, .tooMany, .tooMany])
        #expect(flood.admit(client: 2) == .allow)
        #expect(flood.admit(client: 3) == .tooMany)
    }

    @Test func unknownClientsMeetOnlyTheGlobalCap() {
        let flood = flood(perClient: 1, global: 3)
        #expect(admit(flood, nil, times: 4) == [.allow, .allow, .allow, .tooMany])
    }

    @Test func countsStartAfreshEachMinute() {
        let flood = flood(perClient: 2, global: 3)
        #expect(admit(flood, 1, times: 3) == [.allow, .allow, .tooMany])
        #expect(flood.admit(client: 2) == .allow)
        #expect(flood.admit(client: 2) == .tooMany)
        clock.advance(by: .seconds(30))
        #expect(flood.admit(client: 1) == .tooMany)
        clock.advance(by: .seconds(30))
        #expect(admit(flood, 1, times: 3) == [.allow, .allow, .tooMany])
        #expect(flood.admit(client: 2) == .allow)
        #expect(flood.admit(client: 3) == .tooMany)
    }

    @Test func zeroMeansNoLimit() {
        let flood = flood(perClient: 0, global: 0)
        #expect(admit(flood, 1, times: 1_000).allSatisfy { $0 == .allow })
        #expect(admit(flood, nil, times: 1_000).allSatisfy { $0 == .allow })
    }

    @Test func zeroPerClientStillHonoursTheGlobalCap() {
        let flood = flood(perClient: 0, global: 2)
        #expect(admit(flood, 1, times: 3) == [.allow, .allow, .tooMany])
    }

    @Test func theNumberOfClientsRememberedInAMinuteIsBounded() {
        let flood = flood(perClient: 5, global: 0)
        for client in 0..<UInt64(100_000) { _ = flood.admit(client: client) }
        #expect(flood.admit(client: 100_000) == .tooMany)
        // Clients already counted carry on, and the next minute forgets them all.
        #expect(flood.admit(client: 42) == .allow)
        clock.advance(by: .seconds(60))
        #expect(flood.admit(client: 100_000) == .allow)
    }
}

@Suite struct ClientTags {
    @Test func aTagIsStableForAnAddressAndDiffersBetweenAddresses() {
        #expect(ClientTag.of(address: "203.0.113.7") == ClientTag.of(address: "203.0.113.7"))
        #expect(ClientTag.of(address: "203.0.113.7") != ClientTag.of(address: "203.0.113.8"))
        #expect(ClientTag.of(address: "2001:db8::1") != ClientTag.of(address: "2001:db8::2"))
    }

    @Test func aTagDoesNotSpellTheAddress() {
        let address = "10.1.2.3"
        let tag = ClientTag.of(address: address)
        let octets = address.split(separator: ".").compactMap { UInt64($0) }
        let packed = octets.reduce(0) { $0 << 8 | $1 }
        #expect(tag != packed)
    }
}
