import Foundation
import GRDB
import ReportFormat
import SafetyKeys

/// What the lead records when registering a report as a journal entry.
public struct Registration: Sendable {
    public var channel: Channel
    public var reporterRole: EntryReporterRole
    public var types: [CrueltyType]
    public var place: String?
    public var occurred: String?
    public var victims: Int
    public var aggressors: Int
    public var witnesses: Int
    public var aggressorKind: AggressorKind
    public var inDanger: Bool
    public var classOrGrade: String?
    public var summary: String?
    /// The reporter's words, verbatim.
    public var words: String
    public var names: String?
    public var contact: String?
    /// When the report was received (for a form report: its receipt hour).
    public var receivedAt: Date
    /// Members the entry is restricted to from the start (with the one registering it); empty for none. The
    /// entry's key is then never wrapped to anyone else.
    public var restrictTo: [String] = []
    /// Why it is restricted; required with `restrictTo`.
    public var restrictionReason: String?

    public init(
        channel: Channel, reporterRole: EntryReporterRole, types: [CrueltyType], place: String? = nil,
        occurred: String? = nil, victims: Int = 1, aggressors: Int = 0, witnesses: Int = 0,
        aggressorKind: AggressorKind = .unknown, inDanger: Bool = false, classOrGrade: String? = nil,
        summary: String? = nil, words: String, names: String? = nil, contact: String? = nil, receivedAt: Date
    ) {
        self.channel = channel
        self.reporterRole = reporterRole
        self.types = types
        self.place = place
        self.occurred = occurred
        self.victims = victims
        self.aggressors = aggressors
        self.witnesses = witnesses
        self.aggressorKind = aggressorKind
        self.inDanger = inDanger
        self.classOrGrade = classOrGrade
        self.summary = summary
        self.words = words
        self.names = names
        self.contact = contact
        self.receivedAt = receivedAt
    }

    /// What a form report already says, as a starting point for the lead.
    public init(report: Report) {
        self.init(
            channel: .webForm, reporterRole: EntryReporterRole(report.reporter),
            types: report.what.compactMap(CrueltyType.init(concern:)), place: report.place?.rawValue,
            occurred: report.timing?.rawValue, inDanger: report.inDanger, classOrGrade: report.classOrGrade,
            words: report.text, names: report.names, contact: report.contact,
            receivedAt: JournalClock.date(report.receivedHour) ?? Date())
    }
}

/// The encrypted fields of an entry.
public enum EntryFieldName: String, CaseIterable, Sendable {
    case words, summary
    case classOrGrade = "class"
    case names, contact, notes
    /// Why the entry is restricted to named members.
    case restriction
}

/// A journal entry with its sensitive fields decrypted.
public struct EntryDetail: Sendable {
    public let record: EntryRecord
    public let fields: [EntryFieldName: String]
    public let registeredBy: String
    /// The members the entry is restricted to; nil when it is not restricted.
    public var access: [String]? = nil
}

/// Filters for `journal list`.
public struct EntryFilter: Sendable {
    public var status: String?
    public var type: CrueltyType?
    public var from: Date?
    public var to: Date?
    public var urgentOnly = false
    public init() {}
}

extension JournalSession {
    static func fieldContext(entryID: Int64, field: EntryFieldName) -> String {
        "senim entry v1|\(entryID)|\(field.rawValue)"
    }

    /// Registers a collected report (or, with `report` nil, one that came another way) as a new
    /// entry with the next number of the academic year. Returns the entry as stored.
    public func register(report prefix: String?, _ registration: Registration, now: Date) throws -> EntryDetail {
        guard member.role.triages else { throw JournalError.notAllowed(member: member.name, action: .register) }
        // What the lead records counts as much as what the reporter answered: an entry marked
        // "in danger" or "sexual" must be urgent even when the form did not say so.
        var reasons: Set<UrgencyReason> = []
        if registration.inDanger { reasons.insert(.dangerNow) }
        if registration.types.contains(.sexual) { reasons.insert(.sexualViolence) }
        var reportID: Data?
        if let prefix {
            let record = try findReport(prefix)
            if let entryID = record.entryID {
                let number = try writer.read { db in
                    try String.fetchOne(db, sql: "SELECT number FROM entry WHERE id = ?", arguments: [entryID])
                }
                throw JournalError.alreadyRegistered(report: record.shortID, number: number ?? "?")
            }
            guard record.state == .pending else {
                throw JournalError.unreadableReport(record.shortID, reason: record.unreadableReason ?? "")
            }
            reasons.formUnion(record.urgency)
            reportID = record.id
        } else {
            reasons.formUnion(try journal.urgencyDetector().reasons(in: registration.words))
        }
        let urgency = reasons.sorted()
        let year = AcademicYear(containing: registration.receivedAt, timeZone: timeZone)
        let dataKey = randomSecretKey()
        let everyone = try journal.members()
        var readers = everyone.filter { $0.role.readsAllEntries || $0.id == member.id }
        let restrictionReason = registration.restrictionReason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !registration.restrictTo.isEmpty {
            guard !restrictionReason.isEmpty else { throw JournalError.restrictionWithoutReason }
            readers = [member]
            for name in registration.restrictTo {
                guard let found = everyone.first(where: { $0.name == name }) else {
                    throw JournalError.unknownMember(name)
                }
                guard found.role != .auditor else {
                    throw JournalError.notAllowed(member: found.name, action: .readEntries)
                }
                if !readers.contains(where: { $0.id == found.id }) { readers.append(found) }
            }
        }
        let restricted = !registration.restrictTo.isEmpty
        var stored: [EntryFieldName: String] = [:]
        let entry: EntryRecord = try writer.write { db in
            let sequence = try Int.fetchOne(
                db,
                sql: """
                    INSERT INTO year_counter (academic_year, last) VALUES (?, 1)
                    ON CONFLICT (academic_year) DO UPDATE SET last = last + 1 RETURNING last
                    """, arguments: [year.description])!
            var entry = EntryRecord(
                id: nil, number: year.entryNumber(sequence), academicYear: year.description, sequence: sequence,
                reportID: reportID, channel: registration.channel, reporterRole: registration.reporterRole,
                types: registration.types.map(\.rawValue).joined(separator: ","), place: registration.place,
                occurred: registration.occurred, victims: registration.victims, aggressors: registration.aggressors,
                witnesses: registration.witnesses, aggressorKind: registration.aggressorKind,
                inDanger: registration.inDanger, urgentReasons: urgency.map(\.rawValue).joined(separator: ","),
                receivedAt: JournalClock.stamp(registration.receivedAt), registeredAt: JournalClock.stamp(now),
                registeredBy: member.id!, status: "registered", riskLevel: nil)
            try entry.insert(db)
            let values: [(EntryFieldName, String?)] = [
                (.words, registration.words), (.summary, registration.summary),
                (.classOrGrade, registration.classOrGrade), (.names, registration.names),
                (.contact, registration.contact), (.restriction, restricted ? restrictionReason : nil),
            ]
            for (name, value) in values {
                guard let value, !value.isEmpty else { continue }
                stored[name] = value
                let sealed = FieldCipher.seal(
                    Array(value.utf8), key: dataKey, context: Self.fieldContext(entryID: entry.id!, field: name))
                try EntryField(entryID: entry.id!, name: name.rawValue, sealed: Data(sealed)).insert(db)
            }
            for reader in readers {
                try EntryKey(
                    entryID: entry.id!, memberID: reader.id!,
                    sealed: Data(sealSecret(dataKey, to: try Ledger.recordedBoxKey(db, of: reader)))
                ).insert(db)
            }
            if restricted {
                for reader in readers {
                    try db.execute(
                        sql: "INSERT INTO entry_access (entry_id, member_id) VALUES (?, ?)",
                        arguments: [entry.id!, reader.id!])
                }
            }
            if let reportID {
                try db.execute(
                    sql: """
                        UPDATE report SET state = ?, entry_id = ?, sealed_payload = NULL, sealed_preview = NULL
                        WHERE id = ?
                        """,
                    arguments: [ReportState.registered.rawValue, entry.id!, reportID])
            }
            try EventLog.append(db, at: now, member: member, keys: keys, action: .register, subject: entry.number)
            return entry
        }
        // The entry as it was just written, rather than decrypting what was just sealed.
        return EntryDetail(
            record: entry, fields: stored.filter { $0.key != .restriction || restricted }, registeredBy: member.name,
            access: restricted ? readers.sorted { $0.id! < $1.id! }.map(\.name) : nil)
    }

    /// Entries matching a filter, newest first. Lists only queryable fields.
    public func entries(_ filter: EntryFilter = EntryFilter(), now: Date) throws -> [EntryRecord] {
        let records = try writer.read { db in
            var request = EntryRecord.all()
            if let status = filter.status { request = request.filter(EntryRecord.Columns.status == status) }
            if let from = filter.from {
                request = request.filter(EntryRecord.Columns.receivedAt >= JournalClock.stamp(from))
            }
            if let to = filter.to { request = request.filter(EntryRecord.Columns.receivedAt < JournalClock.stamp(to)) }
            if filter.urgentOnly { request = request.filter(EntryRecord.Columns.urgentReasons != "") }
            return try request.order(Column("id").desc).fetchAll(db)
        }
        let filtered = filter.type.map { type in records.filter { $0.crueltyTypes.contains(type) } } ?? records
        try log(.list, "\(filtered.count) entries", now: now)
        return filtered
    }

    /// Finds an entry by its full number (`2026/27-001`) or its sequence in the current year (`1`).
    public func findEntry(_ number: String, now: Date) throws -> EntryRecord {
        try writer.read { db in
            if let found = try EntryRecord.filter(EntryRecord.Columns.number == number).fetchOne(db) { return found }
            if let sequence = Int(number) {
                let year = AcademicYear(containing: now, timeZone: timeZone).description
                if let found = try EntryRecord.filter(
                    EntryRecord.Columns.academicYear == year && EntryRecord.Columns.sequence == sequence
                ).fetchOne(db) {
                    return found
                }
            }
            throw JournalError.unknownEntry(number)
        }
    }

    /// One entry with its sensitive fields decrypted; the view is logged.
    public func showEntry(_ number: String, now: Date) throws -> EntryDetail {
        let record = try findEntry(number, now: now)
        let detail = try detail(of: record)
        try log(.viewEntry, record.number, now: now)
        return detail
    }

    func detail(of record: EntryRecord) throws -> EntryDetail {
        try detail(of: record) { try entryKeyRing(record) }
    }

    func detail(of record: EntryRecord, keyRing: () throws -> EntryKeyRing) throws -> EntryDetail {
        let entryID = record.id!
        let ring = try keyRing()
        let (fields, author, access) = try writer.read { db in
            (
                try EntryField.filter(Column("entry_id") == entryID).fetchAll(db),
                try String.fetchOne(db, sql: "SELECT name FROM member WHERE id = ?", arguments: [record.registeredBy]),
                try Self.access(db, entryID: entryID)
            )
        }
        var values: [EntryFieldName: String] = [:]
        for field in fields {
            guard let name = EntryFieldName(rawValue: field.name) else { continue }
            do {
                let plain = try ring.open(
                    Array(field.sealed), context: Self.fieldContext(entryID: entryID, field: name))
                values[name] = String(decoding: plain, as: UTF8.self)
            } catch {
                throw JournalError.damaged("field \(name.rawValue) of entry \(record.number)")
            }
        }
        return EntryDetail(record: record, fields: values, registeredBy: author ?? "?", access: access)
    }
}
