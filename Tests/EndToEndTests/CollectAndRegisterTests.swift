import Foundation
import Hummingbird
import HummingbirdTesting
import IntakeServer
import Journal
import ReportFormat
import TestSupport
import Testing

/// A fresh journal made by the real `senim init`, and the options to use it.
struct TestJournal {
    let folder = try! TemporaryDirectory()
    var directory: String { folder.path("journal") }
    var passphraseFile: String { folder.path("passphrase") }
    var args: [String] { ["--journal", directory, "--passphrase-file", passphraseFile] }

    init() throws {
        try "end-to-end test passphrase\n".write(toFile: passphraseFile, atomically: true, encoding: .utf8)
        let result = try senim(["init", "--journal", directory, "--passphrase-file", passphraseFile, "--json"])
        guard result.status == 0 else { throw TestFailure("senim init failed: \(result.stderr)") }
    }

    func senim(_ arguments: [String], lang: String = "en") throws -> ProcessResult {
        try ProgramRunner.run("senim", arguments, environment: ["SENIM_LANG": lang])
    }

    /// Runs `senim` with the journal options and decodes its JSON output.
    func json<T: Decodable>(_ type: T.Type, _ arguments: [String]) throws -> T {
        let result = try senim(arguments + args + ["--json"])
        guard result.status == 0 else { throw TestFailure("senim \(arguments) failed: \(result.stderr)") }
        return try JSONDecoder().decode(T.self, from: Data(result.stdout.utf8))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

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
    journal: TestJournal, spool: String, _ body: @Sendable @escaping (Int) async throws -> Void
) async throws {
    var configuration = IntakeConfiguration()
    configuration.publicKeyPath = journal.directory + "/safety-service.pub"
    configuration.collectorKeyPath = journal.directory + "/collector.pub"
    configuration.webDirectory = Repository.web.path
    configuration.spoolPath = spool
    configuration.perClientPerMinute = 0
    configuration.globalPerMinute = 0
    let services = try await IntakeServices(configuration: configuration)
    let app = Application(
        router: buildRouter(services), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in try await body(client.port!) }
}

/// Posts one form report over a real socket.
func postForm(port: Int, _ fields: [(String, String)]) async throws -> Int {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._*")
    let body = fields.map {
        "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
    }.joined(separator: "&")
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/report")!)
    request.httpMethod = "POST"
    request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(body.utf8)
    let (_, response) = try await URLSession.shared.data(for: request)
    return (response as! HTTPURLResponse).statusCode
}

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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
        let journal = try TestJournal()
        let spool = journal.folder.path("spool.sqlite")
        try await withIntake(journal: journal, spool: spool) { port in
            for report in Self.reports {
                let status = try await postForm(port: port, report.fields)
                #expect(status == 200)
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
                (try? Data(contentsOf: URL(fileURLWithPath: journal.directory + "/journal.sqlite" + suffix))) ?? Data())
        }
        #expect(stored.count > 0)
        for report in Self.reports {
            for word in report.words {
                #expect(stored.range(of: Data(word.utf8)) == nil, "\(word) is readable in the journal file")
            }
        }
    }

    @Test func registeringAReportThatCameByPhoneLandsInTheSameJournal() throws {
        let journal = try TestJournal()
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
        let journal = try TestJournal()
        let other = try TestJournal()
        let spool = journal.folder.path("spool.sqlite")
        try await withIntake(journal: journal, spool: spool) { port in
            let status = try await postForm(port: port, Self.reports[2].fields)
            #expect(status == 200)
            // Another journal's collector key signs: 401, empty body.
            let wrong = try other.senim(["pull", "--from", "http://127.0.0.1:\(port)"] + other.args)
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("401"))
            // No header at all.
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/collect")!)
            request.httpMethod = "POST"
            request.httpBody = Data(#"{"limit":10}"#.utf8)
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as! HTTPURLResponse).statusCode == 401)
            #expect(body.isEmpty)
            // The envelope is still there for the right journal.
            let pulled = try journal.json(PullOutput.self, ["pull", "--from", "http://127.0.0.1:\(port)"])
            #expect(pulled.imported == 1)
        }
    }

    @Test func pullingALocalSpoolTwiceImportsNothingTwice() async throws {
        let journal = try TestJournal()
        let spool = journal.folder.path("spool.sqlite")
        try await withIntake(journal: journal, spool: spool) { port in
            for report in Self.reports {
                let status = try await postForm(port: port, report.fields)
                #expect(status == 200)
            }
        }
        let first = try journal.json(PullOutput.self, ["pull", "--spool", spool])
        #expect(first.imported == 3)
        let second = try journal.json(PullOutput.self, ["pull", "--spool", spool])
        #expect(second.imported == 0 && second.alreadyCollected == 0)
        #expect(try journal.json([InboxJSON].self, ["inbox"]).count == 3)
    }
}
