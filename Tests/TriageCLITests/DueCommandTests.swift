import Foundation
import TestSupport
import Testing

@Suite struct DueAndSteps {
    @Test func dueListsTheOpenClocksAndStepsRecordsThem() throws {
        // Registered on Monday 23 November (SENIM_NOW in CLIJournal): primary information by Wednesday the 25th.
        let journal = try CLIJournal()
        let due = try journal.run(["due", "--json"])
        #expect(due.status == 0, "\(due.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(due.stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list.first?["kind"] as? String == "primary-information")
        #expect(list.first?["subject"] as? String == "2026/27-001")
        #expect(list.first?["due"] as? String == "2026-11-25")
        #expect(list.first?["workingDaysLeft"] as? Int == 2)

        let text = try journal.run(["due"], lang: "ru")
        #expect(text.stdout.contains("собрать первичную информацию (primary-information)"))
        #expect(text.stdout.contains("25.11.2026"))

        let recorded = try journal.run(["steps", "1", "--done", "primary-information", "--json"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let steps = try #require(
            try JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [[String: Any]])
        let primary = try #require(steps.first { $0["step"] as? String == "primary-information" })
        #expect(primary["state"] as? String == "done")
        #expect(primary["by"] as? String == "lead")
        let after = try journal.run(["due", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [Any])?.isEmpty == true)
    }

    @Test func highRiskShowsTheImmediateStepsAndNotApplicableNeedsAReason() throws {
        let journal = try CLIJournal()
        let file = try journal.answersFile(#"{"risk": {"18": "yes"}}"#)
        #expect(try journal.run(["assess", "1", "--answers", file, "--accept"]).status == 0)
        let shown = try journal.run(["steps", "1"])
        for step in ["inform the legal representatives", "notify the police", "write the safety plan"] {
            #expect(shown.stdout.contains(step), "\(step)")
        }
        #expect(try journal.run(["steps", "1", "--not-applicable", "notify-medical"]).status == 64)
        let kept = try journal.run([
            "steps", "1", "--not-applicable", "notify-medical", "--reason", "no injuries",
        ])
        #expect(kept.status == 0)
        #expect(kept.stdout.contains("not applicable: no injuries"))
        // A code that is no step: a plain error in the lead's language, with the codes, before any unlock.
        for lang in ["en", "ru"] {
            let unknown = try journal.run(["steps", "1", "--done", "police"], lang: lang)
            #expect(unknown.status == 64)
            let codes =
                "primary-information, decision-communicated, inform-representatives, notify-police, "
                + "notify-child-rights, notify-medical, safety-plan"
            #expect(
                unknown.stderr
                    == (try expectedError(
                        lang, "error.unknown_step", hint: "hint.unknown_step", ["step": "police", "codes": codes])))
        }
        // Each step is shown with the code to type.
        #expect(shown.stdout.contains("notify the police (notify-police)"), "\(shown.stdout)")
    }
}

@Suite struct OverdueInTheQueue {
    @Test func theTriageQueueNamesEntriesWithOverdueSteps() throws {
        let journal = try CLIJournal()
        func queue(on now: String) throws -> String {
            try senim(
                ["triage", "--journal", journal.path, "--passphrase-file", journal.secret.path],
                environment: ["SENIM_NOW": now]
            ).stdout
        }
        // Registered on Monday 23 November: primary information is due on Wednesday the 25th.
        #expect(!(try queue(on: "2026-11-25T05:00:00Z")).contains("overdue steps"))
        let late = try queue(on: "2026-11-26T05:00:00Z")
        #expect(late.contains("! overdue steps: 1 (2026/27-001)"), "\(late)")
    }
}
