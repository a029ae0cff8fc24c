import ArgumentParser
import Foundation
import Journal
import ReportFormat

/// The registration fields as flags, shared by `register` and the interactive session.
struct RegistrationOptions: ParsableArguments {
    @Option(
        help:
            "How the report arrived (default web-form for a collected report): \(Channel.allCases.map(\.rawValue).joined(separator: ", "))."
    )
    var channel: String?

    @Option(help: "Who reported: \(EntryReporterRole.allCases.map(\.rawValue).joined(separator: ", ")).")
    var reporterRole: String?

    @Option(help: "Types of cruelty, comma-separated: \(CrueltyType.allCases.map(\.rawValue).joined(separator: ", ")).")
    var type: String?

    @Option(help: "Where: \(Place.allCases.map(\.rawValue).joined(separator: ", ")).")
    var place: String?

    @Option(help: "When: \(Timing.allCases.map(\.rawValue).joined(separator: ", ")), or a date.")
    var occurred: String?

    @Option(help: "Number of victims.")
    var victims: Int?

    @Option(help: "Number of initiators/aggressors.")
    var aggressors: Int?

    @Option(help: "Number of witnesses.")
    var witnesses: Int?

    @Option(help: "Who the alleged aggressor is: \(AggressorKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var aggressorKind: String?

    @Option(name: .customLong("class"), help: "Class or grade.")
    var classOrGrade: String?

    @Option(help: "A short summary for the journal.")
    var summary: String?

    @Option(help: "The reporter's words (for a report that did not come through the form).")
    var text: String?

    @Option(help: "Read the reporter's words from this file.")
    var textFile: String?

    @Option(help: "Names of those involved.")
    var names: String?

    @Option(help: "How to contact the reporter.")
    var contact: String?

    @Option(help: "When the report was received, YYYY-MM-DDTHH:MM (school time; default now).")
    var received: String?

    @Flag(help: "Someone is in danger right now.")
    var inDanger = false

    @Option(
        help: ArgumentHelp(
            "Restrict the entry to this member (repeat for several); no one else ever gets its key.",
            valueName: "name"))
    var restrictTo: [String] = []

    @Option(help: "Why the entry is restricted (required with --restrict-to); kept encrypted with the entry.")
    var restrictReason: String?

    func validate() throws {
        func check<T: RawRepresentable<String> & CaseIterable>(_ value: String?, _ type: T.Type, _ flag: String) throws
        {
            guard let value else { return }
            guard T(rawValue: value) != nil else {
                throw ValidationError(
                    Messages.forUsage(
                        "usage.unknown_choice",
                        ["flag": flag, "value": value, "choices": T.allCases.map(\.rawValue).joined(separator: ", ")]))
            }
        }
        try check(channel, Channel.self, "--channel")
        try check(reporterRole, EntryReporterRole.self, "--reporter-role")
        try check(place, Place.self, "--place")
        try check(aggressorKind, AggressorKind.self, "--aggressor-kind")
        for part in (type ?? "").split(separator: ",") where CrueltyType(rawValue: String(part)) == nil {
            throw ValidationError(
                Messages.forUsage(
                    "usage.unknown_choice",
                    [
                        "flag": "--type", "value": String(part),
                        "choices": CrueltyType.allCases.map(\.rawValue).joined(separator: ", "),
                    ]))
        }
        for (flag, value) in [("--victims", victims), ("--aggressors", aggressors), ("--witnesses", witnesses)] {
            if let value, value < 0 { throw ValidationError(Messages.forUsage("usage.not_negative", ["flag": flag])) }
        }
        if text != nil, textFile != nil {
            throw ValidationError(Messages.forUsage("usage.not_both", ["first": "--text", "second": "--text-file"]))
        }
        if !restrictTo.isEmpty, (restrictReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError(Messages.forUsage("usage.restrict_reason"))
        }
    }

    var types: [CrueltyType]? {
        type.map { $0.split(separator: ",").compactMap { CrueltyType(rawValue: String($0)) } }
    }

    /// Applies the flags given over a starting registration.
    func apply(to base: inout Registration) throws {
        if let channel { base.channel = Channel(rawValue: channel)! }
        if let reporterRole { base.reporterRole = EntryReporterRole(rawValue: reporterRole)! }
        if let types { base.types = types }
        if let place { base.place = place }
        if let occurred { base.occurred = occurred }
        if let victims { base.victims = victims }
        if let aggressors { base.aggressors = aggressors }
        if let witnesses { base.witnesses = witnesses }
        if let aggressorKind { base.aggressorKind = AggressorKind(rawValue: aggressorKind)! }
        if let classOrGrade { base.classOrGrade = classOrGrade }
        if let summary { base.summary = summary }
        if let names { base.names = names }
        if let contact { base.contact = contact }
        if inDanger { base.inDanger = true }
        if !restrictTo.isEmpty {
            base.restrictTo = restrictTo
            base.restrictionReason = restrictReason
        }
        if let text { base.words = text }
        if let textFile { base.words = try String(contentsOfFile: textFile, encoding: .utf8) }
    }

    func receivedDate(timeZone: TimeZone, now: Date) throws -> Date {
        guard let received else { return now }
        let formatter = DateFormatter()
        formatter.timeZone = timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: received) { return date }
        }
        throw ValidationError(Messages.forUsage("usage.received_format"))
    }

    /// Whether any registration field was given as a flag.
    var anyGiven: Bool {
        type != nil || place != nil || victims != nil || aggressors != nil || witnesses != nil
            || aggressorKind != nil || summary != nil || channel != nil
    }
}
