import Foundation
import GRDB
import Journal
import SafetyKeys
import Testing

/// `journal verify` against changes made behind Senim's back with a connection of their own, as `sqlite3` would.
@Suite struct VerificationTests {
    /// A walkthrough journal with an assessment, so that every kind of row exists.
    func journal() async throws -> Walkthrough {
        let walk = try await Walkthrough()
        var answers = ProtocolAnswers()
        answers[FactorID(.vulnerability, 10)] = .init(.yes)
        _ = try walk.fixture.session.assess(
            walk.number, answers: answers,
            decision: AssessmentDecision(level: .high, reason: nil, outcome: .external),
            now: date("2026-11-23T09:10:00Z"))
        return walk
    }

    func dropGuards(_ db: Database) throws {
        for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
            try db.execute(sql: "DROP TRIGGER \(trigger)")
        }
    }

    @Test func anUntouchedJournalVerifiesAndItsHeadIsTheLastEvent() async throws {
        let walk = try await journal()
        let result = try walk.fixture.journal.verify()
        #expect(result.failures == [])
        #expect(result.isIntact)
        #expect(result.events == (try walk.events().count))
        #expect(result.rows > 10)
        let last = try #require(try walk.events().last)
        #expect(result.head == ChainHead(eventID: last.id!, hash: last.hash))
        #expect(try walk.fixture.journal.head() == result.head)
    }

    @Test func oneByteEditedInAnEntrysWordsNamesTheEntry() async throws {
        let walk = try await journal()
        try walk.fixture.tamper { db in
            try db.execute(
                sql:
                    "UPDATE entry_field SET sealed = CAST(zeroblob(1) || substr(sealed, 2) AS BLOB) WHERE name = 'words'"
            )
        }
        let failures = try walk.fixture.journal.verify().failures
        #expect(failures.count == 1)
        guard case .rowChanged(let problem) = failures.first else {
            Issue.record("expected a changed row, got \(failures)")
            return
        }
        #expect(problem.table == "entry_field")
        #expect(problem.entryNumber == walk.number)
        let register = try #require(try walk.events().first { $0.action == "register" })
        #expect(problem.event == register.id)
    }

    @Test func aRiskLevelLoweredBehindSenimsBackIsFound() async throws {
        let walk = try await journal()
        try walk.fixture.tamper { db in try db.execute(sql: "UPDATE entry SET risk_level = 'low'") }
        let failures = try walk.fixture.journal.verify().failures
        #expect(failures.count == 1)
        guard case .rowChanged(let problem) = failures.first else {
            Issue.record("\(failures)")
            return
        }
        #expect(problem.table == "entry")
        #expect(problem.entryNumber == walk.number)
        let assess = try #require(try walk.events().first { $0.action == "assess" })
        #expect(problem.event == assess.id, "the assessment last wrote the entry's row")
    }

    @Test func aDeletedAssessmentIsMissing() async throws {
        let walk = try await journal()
        try walk.fixture.tamper { db in
            try dropGuards(db)
            try db.execute(sql: "DELETE FROM assessment")
        }
        let failures = try walk.fixture.journal.verify().failures
        #expect(failures.count == 1)
        guard case .rowMissing(let problem) = failures.first else {
            Issue.record("\(failures)")
            return
        }
        #expect(problem.table == "assessment")
    }

    @Test func aRowAddedBehindSenimsBackIsUnrecorded() async throws {
        let walk = try await journal()
        try walk.fixture.tamper { db in
            try db.execute(sql: "INSERT INTO setting (name, value) VALUES ('time_zone_override', 'UTC')")
        }
        let failures = try walk.fixture.journal.verify().failures
        guard case .rowUnrecorded(let problem) = failures.first, failures.count == 1 else {
            Issue.record("\(failures)")
            return
        }
        #expect(problem.table == "setting")
        #expect(problem.event == nil)
    }

    @Test func aDeletedEventBreaksTheLinkOfTheNextOne() async throws {
        let walk = try await journal()
        let view = try #require(try walk.events().first { $0.action == "view" })
        try walk.fixture.tamper { db in
            try dropGuards(db)
            try db.execute(sql: "DELETE FROM event WHERE id = ?", arguments: [view.id!])
        }
        let failures = try walk.fixture.journal.verify().failures
        #expect(failures == [.brokenLink(event: view.id! + 1)])
    }

    @Test func twoEventsSwappedAreFound() async throws {
        let walk = try await journal()
        let events = try walk.events()
        let a = events[3]
        let b = events[4]
        try walk.fixture.tamper { db in
            try dropGuards(db)
            for (target, source) in [(a, b), (b, a)] {
                try db.execute(
                    sql: """
                        UPDATE event SET at = ?, action = ?, subject = ?, previous_hash = ?, hash = ?, signature = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        source.at, source.action, source.subject, source.previousHash, source.hash, source.signature,
                        target.id!,
                    ])
            }
        }
        let failures = try walk.fixture.journal.verify().failures
        #expect(failures.contains(.brokenLink(event: a.id!)))
        #expect(failures.contains(.brokenLink(event: b.id!)))
    }

    @Test func anEditedSubjectIsAnAlteredEvent() async throws {
        let walk = try await journal()
        let view = try #require(try walk.events().first { $0.action == "view-entry" })
        try walk.fixture.tamper { db in
            try dropGuards(db)
            try db.execute(sql: "UPDATE event SET subject = '2026/27-999' WHERE id = ?", arguments: [view.id!])
        }
        #expect(try walk.fixture.journal.verify().failures == [.eventAltered(event: view.id!)])
    }

    @Test func aForgedEventByAnInventedMemberIsFound() async throws {
        let walk = try await journal()
        // The forger adds themselves as a member and appends a well-formed, well-signed event that claims both
        // their member row and a lowered risk level.
        let forger = MemberKeys()
        let last = try #require(try walk.events().last)
        try walk.fixture.tamper { db in
            try db.execute(
                sql: """
                    INSERT INTO member (name, role, box_public_key, sign_public_key, wrapped_seed, created_at)
                    VALUES ('Forger', 'lead', ?, ?, 'none', '2026-11-23T10:00:00Z')
                    """, arguments: [Data(forger.boxPublicKey), Data(forger.signPublicKey)])
            let memberID = db.lastInsertedRowID
            try db.execute(sql: "UPDATE entry SET risk_level = 'low'")
            let forgedHash = Data(repeating: 7, count: 32)
            try db.execute(
                sql: """
                    INSERT INTO event (at, member_id, action, subject, previous_hash, hash, signature, version)
                    VALUES ('2026-11-23T10:00:00Z', ?, 'member-added', 'Forger lead', ?, ?, ?, 2)
                    """,
                arguments: [memberID, last.hash, forgedHash, Data(forger.sign(Array(forgedHash)))])
        }
        let failures = try walk.fixture.journal.verify().failures
        #expect(failures.contains(.unknownSigner(event: last.id! + 1)))
        #expect(failures.contains(.eventAltered(event: last.id! + 1)), "its hash is not its content's")
        #expect(failures.contains { if case .rowUnrecorded(let row) = $0 { row.table == "member" } else { false } })
        #expect(failures.contains { if case .rowChanged(let row) = $0 { row.table == "entry" } else { false } })
    }

    @Test func aHeadWrittenDownStillVerifiesAfterMoreWorkButNotAfterTheLogIsCutBack() async throws {
        let walk = try await journal()
        let written = try #require(try walk.fixture.journal.head())
        #expect(try walk.fixture.journal.verify(head: written.fingerprint).failures == [])
        _ = try walk.fixture.session.entries(now: date("2026-11-23T10:00:00Z"))
        _ = try walk.fixture.session.entries(now: date("2026-11-23T10:01:00Z"))
        #expect(try walk.fixture.journal.verify(head: written.fingerprint).failures == [])
        // Lowercase and spaces, as read back from paper.
        let typed = written.fingerprint.lowercased().replacingOccurrences(of: "-", with: " - ")
        #expect(try walk.fixture.journal.verify(head: typed).failures == [])

        try walk.fixture.tamper { db in
            try dropGuards(db)
            try db.execute(sql: "DELETE FROM event_row WHERE event_id >= ?", arguments: [written.eventID])
            try db.execute(sql: "DELETE FROM event WHERE id >= ?", arguments: [written.eventID])
        }
        let cut = try walk.fixture.journal.verify(head: written.fingerprint)
        #expect(cut.failures.contains(.headMissing(fingerprint: written.fingerprint, lastEvent: written.eventID - 1)))
        // The head was the assessment: without its event, the assessment's row is accounted for by nothing.
        #expect(
            cut.failures.contains { if case .rowUnrecorded(let row) = $0 { row.table == "assessment" } else { false } })
    }

    @Test func aHeadFromAnotherHistoryDoesNotMatch() async throws {
        let walk = try await journal()
        let head = try #require(try walk.fixture.journal.head())
        let other = ChainHead(eventID: head.eventID, hash: Data(repeating: 0xAB, count: 32)).fingerprint
        #expect(try walk.fixture.journal.verify(head: other).failures == [.headMismatch(fingerprint: other)])
    }

    @Test func fingerprintsReadBackAsWritten() throws {
        let head = ChainHead(eventID: 57, hash: Data((0..<32).map { UInt8($0 * 7 % 256) }))
        #expect(head.fingerprint == "57-0007-0E15-1C23-2A31-383F")
        let parsed = try #require(ChainHead.parse(" 57-0007-0e15-1c23 2a31-383f "))
        #expect(parsed.eventID == 57)
        #expect(parsed.hashPrefix == head.hash.prefix(10))
        #expect(ChainHead.parse("57-0007") == nil)
        #expect(ChainHead.parse("x-0007-0E15-1C23-2A31-383F") == nil)
        #expect(ChainHead.parse("0007-0E15-1C23-2A31-383F") == nil)
    }
}
