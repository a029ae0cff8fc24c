import Foundation

/// How a report reached the safety service (policy items 28–30: every channel is registered).
public enum Channel: String, Codable, CaseIterable, Sendable {
    case webForm = "web-form"
    case phone
    case inPerson = "in-person"
    case written
    case email
    case messenger
    case socialNetwork = "social-network"
    case staff
    case parent
    case externalBody = "external-body"
    case other
}

/// Types of cruelty: the policy's classification (item 7, Annex 1) and the further kinds
/// item 36.1 counts.
public enum CrueltyType: String, Codable, CaseIterable, Sendable {
    case physical, psychological, sexual, neglect, exploitation, bullying, cyberbullying
    case humiliation, intimidation, pressure
    case dangerousOnline = "dangerous-online"

}

/// Who the alleged aggressor is.
public enum AggressorKind: String, Codable, CaseIterable, Sendable {
    case student, employee
    case legalRepresentative = "legal-representative"
    case otherAdult = "other-adult"
    case unknown
}

/// Who a journal entry's reporter is (policy item 28).
public enum EntryReporterRole: String, Codable, CaseIterable, Sendable {
    case studentSelf = "student-self"
    case studentOther = "student-other"
    case parent, staff, other
    case externalBody = "external-body"
    case anonymous
}

/// A journal member's role.
public enum MemberRole: String, Codable, CaseIterable, Sendable {
    case lead, deputy, specialist, director, auditor

    /// Whether the role triages: holds the service key and reads the inbox.
    public var triages: Bool { self == .lead || self == .deputy }

    /// Whether new entries' data keys are wrapped to this role.
    public var readsAllEntries: Bool { self == .lead || self == .deputy || self == .director }

    /// Whether the role may read the audit log (who did what, never the content).
    public var audits: Bool { self == .lead || self == .director || self == .auditor }

    /// Whether the role signs entries off.
    public var signsOff: Bool { self == .director }

    /// Whether the role may restrict an entry to named members.
    public var restricts: Bool { self == .lead || self == .director }
}

/// What makes a report urgent.
public enum UrgencyReason: String, Codable, CaseIterable, Sendable, Comparable {
    case dangerNow = "danger-now"
    case selfHarm = "self-harm"
    case sexualViolence = "sexual-violence"
    case wordsSuicide = "words-suicide"
    case wordsSelfHarm = "words-self-harm"
    case wordsWeapons = "words-weapons"
    case wordsSexualAbuse = "words-sexual-abuse"

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The state of a collected report.
public enum ReportState: String, Codable, Sendable {
    case pending, registered, unreadable
}
