import ArgumentParser
import Foundation
import Journal
import ReportFormat
import Spool

/// A progress line on stderr, for long pulls at a terminal.
final class Progress {
    let enabled: Bool
    let messages: Messages
    var shown = false

    init(enabled: Bool, messages: Messages) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
        self.messages = messages
    }

    func update(_ done: Int, _ total: Int) {
        guard enabled, total >= 1000 else { return }
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(
            Data("\r[\(bar)] \(messages("pull.progress", ["done": "\(done)", "total": "\(total)"]))".utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
