import Foundation
import TestSupport
import Testing

/// FORMAT.md is the one complete spec (issue 14): every versioned context string the code uses is in it.
@Suite struct FormatSpecTests {
    @Test func everyContextStringInTheSourcesIsDocumented() throws {
        let spec = try String(
            contentsOf: Repository.root.appendingPathComponent("Sources/ReportFormat/FORMAT.md"), encoding: .utf8)
        let sources = Repository.root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.subpaths(atPath: sources.path)).filter { $0.hasSuffix(".swift") }
        var contexts: Set<String> = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: #/"(senim[ a-z-]+ v[0-9]+)/#) { contexts.insert(String(match.1)) }
            for match in text.matches(of: #/"(senim-[a-z]+-[0-9v]+)"/#) { contexts.insert(String(match.1)) }
        }
        #expect(contexts.contains("senim sign-off v1"), "the scan finds contexts")
        #expect(contexts.contains("senim-collect-v2"))
        for context in contexts.sorted() {
            #expect(spec.contains(context), "FORMAT.md does not mention \(context)")
        }
    }
}
