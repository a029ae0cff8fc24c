import ArgumentParser
import Foundation
import ReportFormat
import SafetyKeys

/// `senim keys`: the safety service's sealing keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create the safety service's sealing keys.",
        subcommands: [KeysGenerate.self])
}
