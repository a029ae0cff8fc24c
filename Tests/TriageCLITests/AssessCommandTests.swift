import Foundation
import ReportFormat
import SafetyKeys
import Spool
import TestSupport
import Testing

extension CLIJournal {
    /// The output of a command run with `--json`, as an object.
    func json(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
    }
}

@Suite struct AssessFromAFile {
    @Test func acceptingPrintsTheProposalItsBasisAndTheDecisionAsJSON() throws {
        let journal = try CLIJournal()
        let file = try journal.answersFile(
            #"{"risk": {"13": "yes"}, "vulnerability": {"10": {"answer": "yes", "note": "октябрь"}, "2": "no"}, "protective": {"2": "yes"}}"#
        )
        let result = try journal.run(["assess", "1", "--answers", file, "--accept", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try journal.json(result.stdout)
        #expect(output["entry"] as? String == "2026/27-001")
        #expect(output["proposed"] as? String == "high")
        #expect(output["decided"] as? String == "high")
        #expect(output["outcome"] as? String == "external")
        #expect(output["overridden"] as? Bool == false)
        #expect(output["protective"] as? [Int] == [2])
        let basis = try #require(output["basis"] as? [[String: Any]])
        #expect(basis.count == 1)
        #expect(basis.first?["group"] as? String == "vulnerability")
        #expect(basis.first?["item"] as? Int == 10)
        #expect((basis.first?["text"] as? String)?.contains("attempted suicide") == true)
    }

    @Test func anotherLevelNeedsAReasonAndThenKeepsIt() throws {
        let journal = try CLIJournal()
        let file = try journal.answersFile(#"{"vulnerability": {"8": "yes"}}"#)
        let refused = try journal.run(["assess", "1", "--answers", file, "--level", "low"])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == (try expectedError(
                    "en", "error.override_without_reason", hint: "hint.override_without_reason",
                    ["proposed": "high", "decided": "low"])))
        let list = try journal.run(["journal", "show", "1", "--json"])
        #expect((try journal.json(list.stdout)["assessments"] as? [Any])?.isEmpty == true)

        let kept = try journal.run([
            "assess", "1", "--answers", file, "--level", "medium", "--reason", "said in anger, checked twice",
            "--outcome", "school", "--json",
        ])
        #expect(kept.status == 0, "\(kept.stderr)")
        let output = try journal.json(kept.stdout)
        #expect(output["reason"] as? String == "said in anger, checked twice")
        #expect(output["overridden"] as? Bool == true)
        #expect(output["decided"] as? String == "medium")
    }

    @Test func reassessingKeepsTheHistoryThatJournalShowPrints() throws {
        let journal = try CLIJournal()
        let none = try journal.answersFile("{}")
        let worse = try journal.answersFile(#"{"risk": {"22": "yes"}}"#)
        #expect(try journal.run(["assess", "1", "--answers", none, "--accept"]).status == 0)
        #expect(try journal.run(["assess", "1", "--answers", worse, "--accept"]).status == 0)
        let shown = try journal.run(["journal", "show", "1"])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("#1 ") && shown.stdout.contains("proposed low, decided low"))
        #expect(shown.stdout.contains("#2 ") && shown.stdout.contains("proposed high, decided high"))
        #expect(shown.stdout.contains("Does the child need protection?"))
        let json = try journal.json(try journal.run(["journal", "show", "1", "--json"]).stdout)
        #expect((json["assessments"] as? [[String: Any]])?.map { $0["decided"] as? String } == ["low", "high"])
        #expect(json["riskLevel"] as? String == "high")
    }

    @Test func aBadAnswersFileIsRefusedInTheChosenLanguageBeforeAnyUnlock() throws {
        let journal = try CLIJournal()
        let file = try journal.answersFile(#"{"risk": {"23": "yes"}}"#)
        let result = try journal.run(["assess", "1", "--answers", file, "--accept"], lang: "ru")
        #expect(result.status == 1)
        let ru = try messageTable("ru")
        let reason = try #require(ru["answers.unknown_item"])
            .replacingOccurrences(of: "{group}", with: "risk").replacingOccurrences(of: "{item}", with: "23")
            .replacingOccurrences(of: "{max}", with: "22")
        #expect(
            result.stderr
                == (try expectedError(
                    "ru", "error.answers_file", hint: "hint.answers_file", ["path": file, "reason": reason])))
    }

    @Test func misuseIsAUsageError() throws {
        let journal = try CLIJournal()
        let file = try journal.answersFile("{}")
        for arguments in [
            ["assess", "1", "--answers", file],
            ["assess", "1", "--answers", file, "--accept", "--level", "high"],
            ["assess", "1", "--answers", file, "--level", "extreme", "--reason", "x"],
            ["assess", "1", "--accept"],
        ] {
            #expect(try journal.run(arguments).status == 64, "\(arguments)")
        }
    }
}
