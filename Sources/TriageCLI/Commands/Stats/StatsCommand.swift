import ArgumentParser
import Foundation
import Journal
import Mustache
import SafeHTML

/// `senim stats`: the quarterly counts of item 36.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "The quarterly counts of item 36 by type of violence; signed exports and their merge.",
        subcommands: [StatsReport.self, StatsMerge.self],
        defaultSubcommand: StatsReport.self)
}

/// What the output formats share.
enum StatsFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, html
}
