import ArgumentParser
import Foundation
import Journal

struct ReviewList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the review queue: waiting entries first (high risk, overdue, oldest).")

    @Flag(help: "Print the queue as JSON.")
    var json = false

    @OptionGroup var options: JournalOptions

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        let items = try session.reviewQueue(now: options.now())
        if json {
            struct Row: Encodable {
                let number: String
                let risk: String?
                let overdue: Int
                let waiting: Bool
                let signedBy: String?
                let signedAt: String?
                let signOffCurrent: Bool?
            }
            try JSONOutput.print(
                items.map {
                    Row(
                        number: $0.record.number, risk: $0.record.riskLevel, overdue: $0.overdue.count,
                        waiting: $0.waiting, signedBy: $0.signOff?.by, signedAt: $0.signOff?.at,
                        signOffCurrent: $0.signOff.map { $0.current && $0.signatureValid })
                })
            return
        }
        print(m("review.summary", ["count": "\(items.count)", "waiting": "\(items.filter(\.waiting).count)"]))
        for (index, item) in items.enumerated() { print(Self.line(item, index: index + 1, messages: m)) }
    }

    static func line(_ item: ReviewItem, index: Int, messages m: Messages) -> String {
        let mark = item.waiting ? "•" : "✓"
        let risk = item.record.riskLevel.map { m("level.\($0)") } ?? m("review.not_assessed")
        let state: String
        switch item.signOff {
        case nil: state = m("review.state_unsigned")
        case let signOff? where signOff.current && signOff.signatureValid: state = m("review.state_signed")
        default: state = m("review.state_outdated")
        }
        let overdue = item.overdue.isEmpty ? "" : " [\(m("review.overdue", ["count": "\(item.overdue.count)"]))]"
        let types = item.record.crueltyTypes.map { m("type.\($0.rawValue)") }.joined(separator: ", ")
        let line =
            "\(String(format: "%2d", index)) \(mark) \(item.record.number) · \(risk)\(overdue) · \(state) · \(types)"
        return line.count > 78 ? String(line.prefix(77)) + "…" : line
    }
}
