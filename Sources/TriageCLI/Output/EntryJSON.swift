import Foundation
import Journal
import ReportFormat

struct EntryJSON: Encodable {
    let number: String
    let academicYear: String
    let status: String
    let channel: String
    let reporterRole: String
    let types: [String]
    let place: String?
    let occurred: String?
    let victims: Int
    let aggressors: Int
    let witnesses: Int
    let aggressorKind: String
    let inDanger: Bool
    let urgent: [String]
    let receivedAt: String
    let registeredAt: String
    let registeredBy: String?
    let riskLevel: String?
    let report: String?
    let words: String?
    let summary: String?
    let classOrGrade: String?
    let names: String?
    let contact: String?

    init(_ r: EntryRecord, detail: EntryDetail?) {
        number = r.number
        academicYear = r.academicYear
        status = r.status
        channel = r.channel.rawValue
        reporterRole = r.reporterRole.rawValue
        types = r.crueltyTypes.map(\.rawValue)
        place = r.place
        occurred = r.occurred
        victims = r.victims
        aggressors = r.aggressors
        witnesses = r.witnesses
        aggressorKind = r.aggressorKind.rawValue
        inDanger = r.inDanger
        urgent = r.urgentReasons.split(separator: ",").map(String.init)
        receivedAt = r.receivedAt
        registeredAt = r.registeredAt
        registeredBy = detail?.registeredBy
        riskLevel = r.riskLevel
        report = r.reportID.map { $0.prefix(4).hexString }
        words = detail?.fields[.words]
        summary = detail?.fields[.summary]
        classOrGrade = detail?.fields[.classOrGrade]
        names = detail?.fields[.names]
        contact = detail?.fields[.contact]
    }
}
