import GRDB
import ReportFormat
import SafetyKeys

/// What went wrong with the journal, with enough context for the CLI to say what to do.
public enum JournalError: Error, Equatable, Sendable {
    /// No journal database in this folder.
    case noJournal(path: String)
    /// `init` found a journal already there.
    case journalExists(path: String)
    /// No member of that name.
    case unknownMember(String)
    /// Several members, and none was chosen.
    case chooseMember([String])
    /// The journal folder is a symbolic link or another user's: a journal is never kept there.
    case unsafeFolder(path: String)
    /// A member of that name already exists.
    case memberExists(String)
    /// The passphrase does not unlock the member's keys.
    case wrongPassphrase(member: String)
    /// The member's role may not do this.
    case notAllowed(member: String, action: MemberAction)
    /// No report has an ID starting with this.
    case unknownReport(String)
    /// Several reports have IDs starting with this.
    case ambiguousReport(String, matches: Int)
    /// The report is already registered.
    case alreadyRegistered(report: String, number: String)
    /// The report could not be opened when it was collected.
    case unreadableReport(String, reason: String)
    /// No entry with this number.
    case unknownEntry(String)
    /// The member holds no key for this entry.
    case noKeyForEntry(String)
    /// A row Senim was about to change (or seal a key to) is not what the log last recorded: it was changed,
    /// added or deleted behind Senim's back. Nothing was changed.
    case changedBehindSenim(RowProblem)
    /// The database file itself could not do what was asked (nothing was changed).
    case storage(StorageProblem)
    /// The journal's record of the upgrades applied to it does not match its tables (a row of
    /// `grdb_migrations` deleted or changed), so no upgrade is run on it.
    case cannotUpgrade(reason: String)
    /// Stored ciphertext does not open: the database was altered.
    case damaged(String)
    /// A key file to import could not be used.
    case keyFile(SecretKeyError)
    /// The intake spool could not be read.
    case spool(path: String, reason: String)
    /// Collecting over HTTP failed.
    case collection(reason: String)
    /// A level other than the proposed one was chosen without saying why.
    case overrideWithoutReason(proposed: RiskLevel, decided: RiskLevel)
    /// A step was marked not applicable without saying why.
    case notApplicableWithoutReason(String)
    /// A plan measure or referral is missing one of its fields.
    case incompletePlanItem
    /// The journal's `calendar.txt` has a line that is not a date and a kind of day.
    case calendarFile(line: Int, text: String)
    /// The journal's `urgency.txt` is not UTF-8 text.
    case urgencyFile(path: String)
    /// A comment with no text.
    case emptyComment
    /// An entry restricted without saying why.
    case restrictionWithoutReason
    /// The lead cannot be removed, nor can a member remove themselves.
    case cannotRemove(String)
    /// A backup could not be written or restored.
    case backup(BackupError)
    /// The journal folder's `quarters.txt` is not four quarter starts.
    case quartersFile(path: String)
    /// A statistics export that cannot be used.
    case export(path: String, problem: ExportProblem)
}

/// Why a statistics export cannot be used.
public enum ExportProblem: Equatable, Sendable {
    case unreadable
    case notAnExport
    /// The signature does not match the counts: the file was changed.
    case badSignature
    /// It covers another period than the first export given.
    case otherPeriod(String)
    case none
}

/// What SQLite could not do, in the words a school's staff can act on (issue 13 §5: raw SQLite errors reached them).
public enum StorageProblem: Equatable, Sendable {
    /// Another process held the journal for longer than senim waits (10 s): a second pull, a backup.
    case busy
    /// The disk is full.
    case diskFull
    /// The file or its folder cannot be written (permissions, a read-only disk).
    case unwritable(reason: String)
    /// The file is not a whole SQLite database.
    case corrupt
    /// Anything else SQLite said.
    case other(reason: String)
}

extension JournalError {
    /// The journal error a storage error amounts to, or nil when `error` is not one.
    public static func storage(from error: any Error) -> JournalError? {
        guard let database = error as? DatabaseError else { return nil }
        switch database.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .storage(.busy)
        case .SQLITE_FULL: return .storage(.diskFull)
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return .storage(.unwritable(reason: database.message ?? "\(database.resultCode)"))
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .storage(.corrupt)
        case .SQLITE_IOERR where database.extendedResultCode == .SQLITE_IOERR_WRITE:
            return .storage(.unwritable(reason: database.message ?? "write error"))
        default: return .storage(.other(reason: database.message ?? "\(database.resultCode)"))
        }
    }
}

/// What a member's role may not do: a type, so that each language says it in its own words (issue 14: English
/// verbs used to land in Kazakh and Russian sentences).
public enum MemberAction: Equatable, Sendable {
    case addMembers
    case assess
    case assign
    case audit
    case backup
    case comment
    case plan
    case pull
    case inbox
    case show
    case readEntries
    case recordStep
    case register
    case removeMembers
    case restrict
    case signOff
    case updateEntries
    case useStudentCodes
    /// Reading an entry restricted to other members.
    case readRestrictedEntry(String)

    /// The message key of its words (`action.<key>`).
    public var key: String {
        switch self {
        case .addMembers: "addMembers"
        case .assess: "assess"
        case .assign: "assign"
        case .audit: "audit"
        case .backup: "backup"
        case .comment: "comment"
        case .plan: "plan"
        case .pull: "pull"
        case .inbox: "inbox"
        case .show: "show"
        case .readEntries: "readEntries"
        case .recordStep: "recordStep"
        case .register: "register"
        case .removeMembers: "removeMembers"
        case .restrict: "restrict"
        case .signOff: "signOff"
        case .updateEntries: "updateEntries"
        case .useStudentCodes: "useStudentCodes"
        case .readRestrictedEntry: "readRestrictedEntry"
        }
    }
}
