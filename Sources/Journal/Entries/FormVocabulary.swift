import ReportFormat
import SafeguardingRules

/// The reporter's answers on the form (the wire format's vocabulary) read in the regulation's vocabulary.
extension CrueltyType {
    /// The type a reporter's choice on the form suggests, if any.
    public init?(concern: Concern) {
        switch concern {
        case .physical: self = .physical
        case .psychological: self = .psychological
        case .sexual: self = .sexual
        case .neglect: self = .neglect
        case .exploitation: self = .exploitation
        case .bullying: self = .bullying
        case .cyberbullying: self = .cyberbullying
        case .selfHarm, .other: return nil
        }
    }
}

extension EntryReporterRole {
    public init(_ role: ReporterRole) {
        self = EntryReporterRole(rawValue: role.rawValue) ?? .other
    }
}

extension UrgencyDetector {
    /// Every reason a report is urgent, in a fixed order: its words (text and names) and the reporter's answers.
    public func reasons(for report: Report) -> [UrgencyReason] {
        var found = reasons(in: [report.text, report.names ?? ""].joined(separator: "\n"))
        if report.inDanger { found.insert(.dangerNow) }
        if report.what.contains(.selfHarm) { found.insert(.selfHarm) }
        if report.what.contains(.sexual) { found.insert(.sexualViolence) }
        return found.sorted()
    }
}

extension RiskContext {
    /// The facts of a registered entry the rules look at.
    public init(_ entry: EntryRecord) {
        self.init(
            inDanger: entry.inDanger, types: entry.crueltyTypes, aggressorKind: entry.aggressorKind,
            urgency: entry.urgency)
    }
}
