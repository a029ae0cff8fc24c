import Foundation

/// How a student took part in an incident.
public enum StudentRole: String, Codable, CaseIterable, Sendable {
    case victim, aggressor, witness
}

/// What happened to a student as the case went on: the facts item 36 counts.
public enum StudentFact: String, Codable, CaseIterable, Sendable {
    /// Placed in the high-risk group.
    case highRisk = "high-risk"
    /// Injured at school.
    case injured
    /// Registered with the juvenile police.
    case juvenilePolice = "juvenile-police"
    /// Expelled by the pedagogical council for aggression or violence against other students.
    case expelled
    /// Transferred to another school for the same.
    case transferred
    /// Long absent because of their aggression or violence against them.
    case longAbsent = "long-absent"
    /// A victim of violence by staff.
    case victimOfStaff = "victim-of-staff"
}
