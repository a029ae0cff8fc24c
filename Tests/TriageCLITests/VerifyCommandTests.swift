import Foundation
import TestSupport
import Testing

/// `senim journal verify`, `journal head` and `audit`, with the journal changed by the real `sqlite3` tool.
@Suite struct VerifyCommandTests {
    /// Runs `sqlite3` on the journal's database file.
    func sqlite(_ journal: CLIJournal, _ sql: String) throws {
        let result = try ProgramRunner.run("/usr/bin/sqlite3", [journal.path + "/journal.sqlite", sql])
        try #require(result.status == 0, "sqlite3: \(result.stderr)")
    }

    func verify(_ journal: CLIJournal, _ extra: [String] = [], lang: String = "en") throws -> ProcessResult {
        // No passphrase: verification needs only public keys.
        try senim(["journal", "verify", "--journal", journal.path] + extra, environment: ["SENIM_LANG": lang])
    }

    @Test func anIntactJournalVerifiesAndItsHeadChecksLater() throws {
        let journal = try CLIJournal()
        let result = try verify(journal)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("✓ The journal is intact"))
        let head = try senim(["journal", "head", "--journal", journal.path])
        #expect(head.status == 0)
        let fingerprint = try #require(head.stdout.split(separator: "\n").first.map(String.init))
        #expect(fingerprint.wholeMatch(of: /\d+(-[0-9A-F]{4}){5}/) != nil, "\(fingerprint)")
        #expect(head.stdout.contains("paper register"))

        #expect(try journal.run(["journal", "list"]).status == 0)
        let later = try verify(journal, ["--head", fingerprint])
        #expect(later.status == 0, "\(later.stdout)")
        #expect(later.stdout.contains("Nothing before the head \(fingerprint) was rewritten."))
    }

    @Test func aRiskLevelLoweredWithSqlite3IsNotSignedOverByTheNextAssessment() throws {
        let journal = try CLIJournal()
        try sqlite(journal, "UPDATE entry SET risk_level = 'low', in_danger = 0 WHERE number = '2026/27-001';")
        for lang in ["en", "kk", "ru"] {
            let refused = try journal.run(
                ["assess", "1", "--answers", try journal.answersFile("{}"), "--accept", "--outcome", "none"], lang: lang
            )
            #expect(refused.status == 1)
            let place = try #require(try messageTable(lang)["verify.in_entry"])
                .replacingOccurrences(of: "{number}", with: "2026/27-001")
                .replacingOccurrences(of: "{what}", with: try #require(try messageTable(lang)["verify.table.entry"]))
            #expect(
                refused.stderr
                    == (try expectedError(
                        lang, "error.changed_behind_senim", hint: "hint.changed_behind_senim", ["place": place])))
        }
        let result = try verify(journal)
        #expect(result.status == 1, "the change is still seen: \(result.stdout)")
        #expect(result.stdout.contains("✗ Entry 2026/27-001: the entry's record differs from what event"))
    }

    @Test func aByteEditedWithSqlite3NamesTheEntryAndFails() throws {
        let journal = try CLIJournal(entries: [["--type", "bullying"], ["--type", "physical"]])
        try sqlite(
            journal,
            "UPDATE entry_field SET sealed = CAST(zeroblob(1) || substr(sealed, 2) AS BLOB) "
                + "WHERE entry_id = (SELECT id FROM entry WHERE number = '2026/27-002') AND name = 'words';")
        let result = try verify(journal)
        #expect(result.status == 1)
        #expect(result.stdout.contains("✗ Entry 2026/27-002: a confidential field differs from what event"))
        #expect(!result.stdout.contains("2026/27-001"), "only the entry that was changed is named")
        #expect(result.stdout.contains("1 problems"))

        let russian = try verify(journal, lang: "ru")
        #expect(russian.stdout.contains("Запись 2026/27-002: конфиденциальное поле"))
        let kazakh = try verify(journal, lang: "kk")
        #expect(kazakh.stdout.contains("2026/27-002 жазбасы: құпия өріс"))

        let json = try verify(journal, ["--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["intact"] as? Bool == false)
        let failures = try #require(object["failures"] as? [[String: Any]])
        #expect(failures.count == 1)
        #expect(failures.first?["kind"] as? String == "row-changed")
        #expect(failures.first?["entry"] as? String == "2026/27-002")
        #expect(failures.first?["table"] as? String == "entry_field")
    }

    @Test func aRowDeletedWithSqlite3IsGone() throws {
        let journal = try CLIJournal(entries: [["--type", "bullying"], ["--type", "physical"]])
        try sqlite(
            journal,
            "PRAGMA foreign_keys = OFF; DELETE FROM entry_field WHERE name = 'words' AND entry_id = "
                + "(SELECT id FROM entry WHERE number = '2026/27-001');")
        let result = try verify(journal)
        #expect(result.status == 1)
        #expect(result.stdout.contains("Entry 2026/27-001: a confidential field, recorded by event"))
        #expect(result.stdout.contains("is gone: deleted behind Senim's back."))
    }

    @Test func aDeletedEventIsFoundAndAnOldHeadNoLongerMatches() throws {
        let journal = try CLIJournal()
        let head = try senim(["journal", "head", "--journal", journal.path])
        let fingerprint = String(head.stdout.split(separator: "\n")[0])
        let eventID = try #require(Int(fingerprint.split(separator: "-")[0]))
        try sqlite(
            journal,
            "DROP TRIGGER event_append_only_delete; DROP TRIGGER event_row_append_only_delete; "
                + "DELETE FROM event_row WHERE event_id = \(eventID - 1); DELETE FROM event WHERE id = \(eventID - 1);")
        let result = try verify(journal, ["--head", fingerprint])
        #expect(result.status == 1)
        #expect(result.stdout.contains("Event \(eventID) does not follow event \(eventID - 1)"))
    }

    @Test func aMistypedHeadIsAUsageError() throws {
        let journal = try CLIJournal()
        let result = try verify(journal, ["--head", "12-ABCD"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--head must be a fingerprint"))
    }

    @Test func theAuditNamesWhoDidWhatButNeverTheWords() throws {
        let journal = try CLIJournal()
        #expect(try journal.run(["journal", "show", "1"]).status == 0)
        let result = try journal.run(["audit"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("lead (lead of the safety service)  created the journal"))
        #expect(result.stdout.contains("registered · 2026/27-001"))
        #expect(result.stdout.contains("read the entry · 2026/27-001"))
        #expect(!result.stdout.contains("Звонок мамы"))

        let russian = try journal.run(["audit", "--entry", "1"], lang: "ru")
        #expect(russian.stdout.contains("зарегистрировал(а) · 2026/27-001"))
        #expect(!russian.stdout.contains("создал(а) журнал"), "only the entry's events")

        let json = try journal.run(["audit", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["action"] as? String == "create")
        #expect(rows.contains { $0["action"] as? String == "audit" }, "reading the audit log is itself logged")
    }

    @Test func anAuditorReadsTheAuditButADeputyDoesNot() throws {
        let journal = try CLIJournal()
        let auditor = try PassphraseFile("the auditor's own passphrase")
        let deputy = try PassphraseFile("the deputy's own passphrase")
        #expect(
            try journal.run(["members", "add", "Auditor", "--role", "auditor", "--new-passphrase-file", auditor.path])
                .status == 0)
        #expect(
            try journal.run(["members", "add", "Deputy", "--role", "deputy", "--new-passphrase-file", deputy.path])
                .status == 0)
        let allowed = try senim([
            "audit", "--journal", journal.path, "--as", "Auditor", "--passphrase-file", auditor.path,
        ])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("added a member · Auditor auditor"))
        let refused = try senim([
            "audit", "--journal", journal.path, "--as", "Deputy", "--passphrase-file", deputy.path,
        ])
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(try verify(journal).status == 0, "adding members and auditing keep the journal intact")
    }
}
