import Foundation
import TestSupport
import Testing

/// The man pages in `docs/man` are generated from the commands (ArgumentParser's manual plugin) and must say what
/// the built commands accept: every subcommand, every option and every abstract (issue 14). When this fails,
/// regenerate them as `docs/testing.md` says.
@Suite struct ManualPageTests {
    struct Expected {
        var subcommands: Set<String> = []
        var options: Set<String> = []
        var abstracts: Set<String> = []
    }

    /// What `tool --experimental-dump-help` says the command tree holds.
    static func expected(_ tool: String) throws -> Expected {
        let dump = try ProgramRunner.run(tool, ["--experimental-dump-help"])
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var expected = Expected()
        func walk(_ command: [String: Any], top: Bool) {
            if command["shouldDisplay"] as? Bool == false { return }
            if !top, let name = command["commandName"] as? String { expected.subcommands.insert(name) }
            if let abstract = command["abstract"] as? String, !abstract.isEmpty { expected.abstracts.insert(abstract) }
            for argument in command["arguments"] as? [[String: Any]] ?? []
            where argument["shouldDisplay"] as? Bool != false {
                for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "long" {
                    if let long = name["name"] as? String, long != "help", long != "version" {
                        expected.options.insert(long)
                    }
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] where sub["commandName"] as? String != "help" {
                walk(sub, top: false)
            }
        }
        walk(try #require(root["command"] as? [String: Any]), top: true)
        return expected
    }

    @Test(arguments: ["senim", "senim-intake"])
    func theManPageSaysWhatTheCommandAccepts(tool: String) throws {
        let page = try String(
            contentsOf: Repository.root.appendingPathComponent("docs/man/\(tool).1"), encoding: .utf8)
        let expected = try Self.expected(tool)
        #expect(expected.options.count > 5, "the dump was read")
        for option in expected.options.sorted() {
            #expect(page.contains("Fl -\(option)"), "\(tool).1 lacks --\(option)")
        }
        for subcommand in expected.subcommands.sorted() {
            #expect(page.contains("Em \(subcommand)"), "\(tool).1 lacks the subcommand \(subcommand)")
        }
        for abstract in expected.abstracts.sorted() {
            #expect(page.contains(abstract), "\(tool).1 lacks \"\(abstract)\"")
        }
    }
}
