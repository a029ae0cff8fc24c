import Foundation
import Hummingbird
import HummingbirdTesting
import IntakeServer
import Journal
import ReportFormat
import TestSupport
import Testing

struct InboxJSON: Decodable {
    let id: String
    let shortID: String
    let language: String?
    let reporter: String?
    let what: [String]
    let inDanger: Bool?
    let urgent: [String]
    let firstLine: String?
}

struct EntryOutput: Decodable {
    let number: String
    let channel: String
    let reporterRole: String
    let types: [String]
    let place: String?
    let victims: Int
    let aggressors: Int
    let witnesses: Int
    let aggressorKind: String
    let words: String?
    let names: String?
    let classOrGrade: String?
    let contact: String?
    let report: String?
}

struct PullOutput: Decodable {
    let imported: Int
    let alreadyCollected: Int
    let unreadable: Int
}

/// The intake serving live on loopback, sealing to a journal's key.
func withIntake(
    journal: CLIJournal, spool: String, _ body: @Sendable @escaping (Int) async throws -> Void
) async throws {
    let intake = try await Intake.make(spool: try SpoolDatabase(path: spool), clock: .real) { configuration in
        configuration.publicKeyPath = journal.path + "/safety-service.pub"
        configuration.collectorKeyPath = journal.path + "/collector.pub"
        configuration.spoolPath = spool
        configuration.perClientPerMinute = 0
        configuration.globalPerMinute = 0
    }
    try await intake.live(body)
}

/// Posts one form report over a real socket.
func postForm(port: Int, _ fields: [(String, String)]) async throws -> Int {
    let form = FormFields(fields.map { (name: $0.0, value: $0.1) })
    return try await Wire.exchange(port: port, Wire.form("/report", form.encoded), timeout: 20).status
}

@Suite(.serialized) struct CollectAndRegister {
    static let reports: [(lang: String, fields: [(String, String)], words: [String])] = [
        (
            "ru",
            [
                ("lang", "ru"), ("reporter", "student-self"), ("what", "bullying"), ("what", "cyberbullying"),
                ("where", "school"), ("when", "ongoing"), ("danger", "no"), ("class", "7Б"),
                ("text", "Одноклассники Жумабаевы дразнят меня каждый день.\nЯ больше не хочу жить так."),
                ("names", "Ержан Жумабаев"), ("contact", "telegram @testonly_ru"),
            ],
            ["Жумабаевы", "Одноклассники", "Ержан", "testonly_ru"]
        ),
        (
            "kk",
            [
                ("lang", "kk"), ("reporter", "parent"), ("what", "physical"), ("where", "on-the-way"),
                ("danger", "yes"), ("text", "Баламды мектептен қайтып келе жатқанда Сапарбеков ұрды."),
            ],
            ["Сапарбеков", "қайтып"]
        ),
        (
            "en",
            [
                ("lang", "en"), ("reporter", "staff"), ("what", "neglect"), ("danger", "no"),
                ("text", "Pupil Quillonby arrives hungry every morning."),
            ],
            ["Quillonby", "hungry"]
        ),
    ]

    @Test func reportsFromTheBrowserBecomeEntriesWithExactlyWhatWasSubmitted() async throws {
        let journal = try CLIJournal(entries: [])
        let spool = journal.folder.path("spool.sqlite")
        try await withIntake(journal: journal, spool: spool) { port in
            for report in Self.reports {
                let status = try await postForm(port: port, report.fields)
                #expect(status == 303)
            }
            let pulled = try journal.json(PullOutput.self, ["pull", "--from", "http://127.0.0.1:\(port)"])
            #expect(pulled.imported == 3 && pulled.unreadable == 0 && pulled.alreadyCollected == 0)
            // Acknowledged envelopes are gone from the intake.
            let again = try journal.json(PullOutput.self, ["pull", "--from", "http://127.0.0.1:\(port)"])
            #expect(again.imported == 0)
        }
        let inbox = try journal.json([InboxJSON].self, ["inbox"])
        #expect(inbox.count == 3)
        // Urgent first: "in danger now" (kk), then words about not wanting to live (ru), then the rest.
        #expect(inbox.map(\.language) == ["kk", "ru", "en"])
        #expect(inbox[0].urgent == ["danger-now"])
        #expect(inbox[1].urgent == ["words-suicide"])
        #expect(inbox[2].urgent.isEmpty)

        let ru = try #require(inbox.first { $0.language == "ru" })
        let entry = try journal.json(
            EntryOutput.self,
            [
                "register", ru.shortID, "--type", "bullying,cyberbullying", "--victims", "1", "--aggressors", "2",
                "--witnesses", "3", "--aggressor-kind", "student",
            ])
        #expect(entry.number.hasSuffix("-001"))
        let shown = try journal.json(EntryOutput.self, ["journal", "show", entry.number])
        #expect(shown.words == "Одноклассники Жумабаевы дразнят меня каждый день.\nЯ больше не хочу жить так.")
        #expect(shown.names == "Ержан Жумабаев")
        #expect(shown.classOrGrade == "7Б")
        #expect(shown.contact == "telegram @testonly_ru")
        #expect(shown.types == ["bullying", "cyberbullying"])
        #expect(shown.place == "school")
        #expect(shown.channel == "web-form" && shown.reporterRole == "student-self")
        #expect(shown.victims == 1 && shown.aggressors == 2 && shown.witnesses == 3)
        #expect(shown.aggressorKind == "student")

        for report in inbox where report.language != "ru" {
            let other = try journal.json(
                EntryOutput.self, ["register", report.shortID, "--type", "physical", "--no-input"])
            let detail = try journal.json(EntryOutput.self, ["journal", "show", other.number])
            let submitted = Self.reports.first { $0.lang == report.language }!
            #expect(detail.words == submitted.fields.first { $0.0 == "text" }!.1)
        }
        #expect(try journal.json([InboxJSON].self, ["inbox"]).isEmpty)

        // A copy of the journal reveals no report text and no name.
        var stored = Data()
        for suffix in ["", "-wal"] {
            stored.append(
                (try? Data(contentsOf: URL(fileURLWithPath: journal.path + "/journal.sqlite" + suffix))) ?? Data())
        }
        #expect(stored.count > 0)
        for report in Self.reports {
            for word in report.words {
                #expect(stored.range(of: Data(word.utf8)) == nil, "\(word) is readable in the journal file")
            }
        }
    }

    @Test func registeringAReportThatCameByPhoneLandsInTheSameJournal() throws {
        let journal = try CLIJournal(entries: [])
        let entry = try journal.json(
            EntryOutput.self,
            [
                "register", "--channel", "phone", "--reporter-role", "parent", "--type", "physical",
                "--text", "Мама позвонила: сына избили после уроков.", "--no-input",
            ])
        #expect(entry.channel == "phone")
        #expect(entry.report == nil)
        #expect(entry.words == "Мама позвонила: сына избили после уроков.")
        let list = try journal.json([EntryOutput].self, ["journal", "list"])
        #expect(list.map(\.number) == [entry.number])
    }

    @Test func aCollectionRequestNotSignedByTheJournalIsRefusedWithNothingElse() async throws {
        let journal = try CLIJournal(entries: [])
        let other = try CLIJournal(entries: [])
        let spool = journal.folder.path("spool.sqlite")
        try await withIntake(journal: journal, spool: spool) { port in
            let status = try await postForm(port: port, Self.reports[2].fields)
            #expect(status == 303)
            // Another journal's collector key signs: 401, empty body.
            let wrong = try senim(["pull", "--from", "http://127.0.0.1:\(port)"] + other.args)
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("401"))
            // No header at all.
            let unsigned = try await Wire.exchange(
                port: port, Wire.json("/api/v1/collect", #"{"limit":10}"#), timeout: 20
            ).response
            #expect(unsigned?.status == 401)
            #expect(unsigned?.body.isEmpty == true)
            // The envelope is still there for the right journal.
            let pulled = try journal.json(PullOutput.self, ["pull", "--from", "http://127.0.0.1:\(port)"])
            #expect(pulled.imported == 1)
        }
    }

    @Test func pullingALocalSpoolTwiceImportsNothingTwice() async throws {
        let journal = try CLIJournal(entries: [])
        let spool = journal.folder.path("spool.sqlite")
        try await withIntake(journal: journal, spool: spool) { port in
            for report in Self.reports {
                let status = try await postForm(port: port, report.fields)
                #expect(status == 303)
            }
        }
        let first = try journal.json(PullOutput.self, ["pull", "--spool", spool])
        #expect(first.imported == 3)
        let second = try journal.json(PullOutput.self, ["pull", "--spool", spool])
        #expect(second.imported == 0 && second.alreadyCollected == 0)
        #expect(try journal.json([InboxJSON].self, ["inbox"]).count == 3)
    }
}
