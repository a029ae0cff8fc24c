import ArgumentParser
import Foundation
import Journal
import ReportFormat

/// `senim journal`: the registered entries.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "List and show journal entries; verify the journal and print its head.",
        subcommands: [
            JournalList.self, JournalShow.self, JournalUpdate.self, JournalRestrict.self, JournalAssign.self,
            JournalVerify.self,
            JournalHead.self, JournalBackup.self, JournalRestore.self,
        ])
}
