import ArgumentParser
import Foundation
import Journal
import ReportFormat
import SafetyKeys
import Spool

/// Localised words for journal errors.
enum JournalMessages {
    /// What a role may not do, in the session's language.
    static func words(_ action: MemberAction, _ m: Messages) -> String {
        if case .readRestrictedEntry(let number) = action { return m("action.readRestrictedEntry", ["number": number]) }
        return m("action.\(action.key)")
    }

    static func cliError(_ error: JournalError, messages m: Messages) -> CLIError {
        switch error {
        case .noJournal(let path): CLIError(m("error.no_journal", ["path": path]), hint: m("hint.no_journal"))
        case .journalExists(let path):
            CLIError(m("error.journal_exists", ["path": path]), hint: m("hint.journal_exists"))
        case .unknownMember(let name):
            CLIError(m("error.unknown_member", ["name": name]), hint: m("hint.unknown_member"))
        case .chooseMember(let names):
            CLIError(
                m("error.choose_member"), hint: m("hint.choose_member", ["names": names.joined(separator: ", ")]))
        case .unsafeFolder(let path):
            CLIError(m("error.unsafe_folder", ["path": path]), hint: m("hint.unsafe_folder"))
        case .memberExists(let name): CLIError(m("error.member_exists", ["name": name]), hint: m("hint.member_exists"))
        case .wrongPassphrase(let name):
            CLIError(m("error.wrong_member_passphrase", ["name": name]), hint: m("hint.wrong_passphrase"))
        case .notAllowed(let name, let action):
            CLIError(
                m("error.not_allowed", ["name": name, "action": words(action, m)]), hint: m("hint.not_allowed"))
        case .unknownReport(let id): CLIError(m("error.unknown_report", ["id": id]), hint: m("hint.unknown_report"))
        case .ambiguousReport(let id, let count):
            CLIError(m("error.ambiguous_report", ["id": id, "count": "\(count)"]), hint: m("hint.ambiguous_report"))
        case .alreadyRegistered(let id, let number):
            CLIError(
                m("error.already_registered", ["id": id, "number": number]),
                hint: m("hint.already_registered", ["number": number]))
        case .unreadableReport(let id, let reason):
            CLIError(m("error.unreadable_report", ["id": id, "reason": reason]), hint: m("hint.unreadable_report"))
        case .unknownEntry(let number):
            CLIError(m("error.unknown_entry", ["number": number]), hint: m("hint.unknown_entry"))
        case .noKeyForEntry(let number):
            CLIError(m("error.no_key_for_entry", ["number": number]), hint: m("hint.no_key_for_entry"))
        case .damaged(let what): CLIError(m("error.damaged", ["what": what]), hint: m("hint.damaged"))
        case .storage(let problem):
            switch problem {
            case .busy: CLIError(m("error.journal_busy"), hint: m("hint.journal_busy"))
            case .diskFull: CLIError(m("error.disk_full"), hint: m("hint.disk_full"))
            case .unwritable(let reason):
                CLIError(m("error.journal_unwritable", ["reason": reason]), hint: m("hint.journal_unwritable"))
            case .corrupt: CLIError(m("error.journal_corrupt"), hint: m("hint.journal_corrupt"))
            case .other(let reason):
                CLIError(m("error.journal_storage", ["reason": reason]), hint: m("hint.journal_corrupt"))
            }
        case .cannotUpgrade(let reason):
            CLIError(m("error.cannot_upgrade", ["reason": reason]), hint: m("hint.cannot_upgrade"))
        case .changedBehindSenim(let problem):
            CLIError(
                m("error.changed_behind_senim", ["place": JournalVerify.place(problem, messages: m)]),
                hint: m("hint.changed_behind_senim"))
        case .keyFile(let keyError): KeyErrorMessages.cliError(keyError, path: "", messages: m)
        case .spool(let path, let reason):
            CLIError(m("error.spool", ["path": path, "reason": reason]), hint: m("hint.spool"))
        case .collection(let reason):
            CLIError(m("error.collection", ["reason": reason]), hint: m("hint.collection"))
        case .overrideWithoutReason(let proposed, let decided):
            CLIError(
                m(
                    "error.override_without_reason",
                    ["proposed": m("level.\(proposed.rawValue)"), "decided": m("level.\(decided.rawValue)")]),
                hint: m("hint.override_without_reason"))
        case .notApplicableWithoutReason(let step):
            CLIError(
                m("error.not_applicable_without_reason", ["step": step]), hint: m("hint.not_applicable_without_reason"))
        case .incompletePlanItem:
            CLIError(m("error.incomplete_plan_item"), hint: m("hint.incomplete_plan_item"))
        case .calendarFile(let line, let text):
            CLIError(m("error.calendar_file", ["line": "\(line)", "text": text]), hint: m("hint.calendar_file"))
        case .urgencyFile(let path): CLIError(m("error.urgency_file", ["path": path]), hint: m("hint.urgency_file"))
        case .emptyComment: CLIError(m("error.empty_comment"), hint: m("hint.empty_comment"))
        case .restrictionWithoutReason:
            CLIError(m("error.restriction_without_reason"), hint: m("hint.restriction_without_reason"))
        case .cannotRemove(let name): CLIError(m("error.cannot_remove", ["name": name]), hint: m("hint.cannot_remove"))
        case .quartersFile(let path):
            CLIError(m("error.quarters_file", ["path": path]), hint: m("hint.quarters_file"))
        case .export(let path, let problem):
            switch problem {
            case .unreadable: CLIError(m("error.export_unreadable", ["path": path]), hint: m("hint.export_unreadable"))
            case .notAnExport: CLIError(m("error.not_an_export", ["path": path]), hint: m("hint.not_an_export"))
            case .badSignature: CLIError(m("error.export_signature", ["path": path]), hint: m("hint.export"))
            case .otherPeriod(let periods):
                CLIError(m("error.export_period", ["path": path, "periods": periods]), hint: m("hint.export_period"))
            case .none: CLIError(m("error.no_export"), hint: m("hint.no_export"))
            }
        case .backup(let backupError):
            switch backupError {
            case .notABackup: CLIError(m("error.not_a_backup"), hint: m("hint.not_a_backup"))
            case .unsupported: CLIError(m("error.backup_unsupported"), hint: m("hint.backup_unsupported"))
            case .wrongPassphrase: CLIError(m("error.backup_passphrase"), hint: m("hint.backup_passphrase"))
            case .damaged: CLIError(m("error.backup_damaged"), hint: m("hint.backup_damaged"))
            case .exists(let path): CLIError(m("error.backup_exists", ["path": path]), hint: m("hint.backup_exists"))
            case .io(let path, let reason):
                CLIError(m("error.backup_io", ["path": path, "reason": reason]), hint: m("hint.backup_io"))
            case .diskFull(let path):
                CLIError(m("error.disk_full_at", ["path": path]), hint: m("hint.disk_full"))
            }
        }
    }
}
