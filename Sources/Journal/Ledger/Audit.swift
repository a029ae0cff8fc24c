import Foundation
import GRDB

/// One line of the audit log: who did what to which entry or report, and when — never the content.
public struct AuditEvent: Equatable, Sendable {
    public let id: Int64
    public let at: String
    public let memberName: String?
    public let role: MemberRole?
    public let action: String
    public let subject: String
}

extension JournalSession {
    /// The event log as people read it, oldest first, optionally only one member's or one entry's. Reading it is
    /// itself logged. The lead, the director and the auditor may read it.
    public func audit(member name: String? = nil, entry number: String? = nil, now: Date) throws -> [AuditEvent] {
        guard member.role.audits else { throw JournalError.notAllowed(member: member.name, action: .audit) }
        let entryNumber = try number.map { try findEntry($0, now: now).number }
        let members = try writer.read { db in try Member.fetchAll(db) }
        if let name, !members.contains(where: { $0.name == name }) { throw JournalError.unknownMember(name) }
        let byID = Dictionary(uniqueKeysWithValues: members.map { ($0.id!, $0) })
        let events = try writer.read { db in try JournalEvent.order(Column("id")).fetchAll(db) }
        try log(.audit, [name, entryNumber].compactMap { $0 }.joined(separator: " "), now: now)
        return events.compactMap { event in
            let who = event.memberID.flatMap { byID[$0] }
            if let name, who?.name != name { return nil }
            if let entryNumber, event.subject != entryNumber, !event.subject.hasPrefix(entryNumber + " ") {
                return nil
            }
            return AuditEvent(
                id: event.id!, at: event.at, memberName: who?.name, role: who?.role, action: event.action,
                subject: event.subject)
        }
    }
}
