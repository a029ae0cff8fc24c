import Foundation
import GRDB
import SafetyKeys

/// Wrong passphrases typed for a member, counted per day until the next unlock writes them into the log, so that
/// a director reading the audit sees guessing (issue 13 §5).
///
/// A wrong passphrase opens no key, so nothing can be signed when it is typed: the count waits in
/// `failed-unlocks.txt` in the journal folder (a line `day<TAB>member ID<TAB>count`, the day in the school's time
/// zone, no finer time), and the next unlock by anyone records one signed `failed-unlocks` event per line, then
/// removes the file. Someone with the folder can delete the file before that; the count is a warning, not proof.
public struct FailedUnlocks: Equatable, Sendable {
    public let day: String
    public let memberName: String
    public let count: Int

    public init(day: String, memberName: String, count: Int) {
        self.day = day
        self.memberName = memberName
        self.count = count
    }

    static let fileName = "failed-unlocks.txt"

    /// The event's subject: `2026-12-03 3 Айгүл Серікқызы`.
    var subject: String { "\(day) \(count) \(memberName)" }

    /// Reads an event's subject back.
    public init?(subject: String) {
        let parts = subject.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count == 3, let count = Int(parts[1]) else { return nil }
        self.init(day: parts[0], memberName: parts[2], count: count)
    }
}

extension Journal {
    private var failedUnlocksPath: String { directory.appendingPathComponent(FailedUnlocks.fileName).path }

    /// The counts waiting in the folder: (day, member ID) → count. A line that is not one is ignored.
    func waitingFailedUnlocks() -> [(day: String, memberID: Int64, count: Int)] {
        guard let text = try? String(contentsOfFile: failedUnlocksPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t")
            guard fields.count == 3, fields[0].count == 10, let id = Int64(fields[1]), let count = Int(fields[2]),
                count > 0
            else { return nil }
            return (String(fields[0]), id, count)
        }
    }

    /// Counts one wrong passphrase for `member` today. Best effort: a count that cannot be written never hides
    /// the answer that the passphrase was wrong.
    func countFailedUnlock(of member: Member, now: Date) {
        guard let memberID = member.id, let timeZone = try? timeZone() else { return }
        let day = Self.day(of: now, in: timeZone)
        var counts = waitingFailedUnlocks()
        if let index = counts.firstIndex(where: { $0.day == day && $0.memberID == memberID }) {
            counts[index].count += 1
        } else {
            counts.append((day, memberID, 1))
        }
        let text = counts.map { "\($0.day)\t\($0.memberID)\t\($0.count)\n" }.joined()
        try? KeyFiles.write(text, to: failedUnlocksPath, mode: 0o600, force: true)
    }

    /// Appends one event per waiting count, inside the unlock's transaction.
    func recordFailedUnlocks(
        _ db: Database, members: [Member], by member: Member, keys: MemberKeys, now: Date
    ) throws -> [FailedUnlocks] {
        let names = Dictionary(uniqueKeysWithValues: members.compactMap { m in m.id.map { ($0, m.name) } })
        var recorded: [FailedUnlocks] = []
        for waiting in waitingFailedUnlocks() {
            guard let name = names[waiting.memberID] else { continue }
            let failed = FailedUnlocks(day: waiting.day, memberName: name, count: waiting.count)
            try EventLog.append(
                db, at: now, member: member, keys: keys, action: .failedUnlocks, subject: failed.subject)
            recorded.append(failed)
        }
        return recorded
    }

    /// Removes the counts once the log holds them.
    func forgetFailedUnlocks() { unlink(failedUnlocksPath) }

    static func day(of date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
