import ArgumentParser
import Foundation
import Journal
import SafetyKeys

struct MembersAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract:
            "Add a member: they set their own passphrase; their keys are made and the entries they may read are shared.",
        discussion: """
            Roles: lead and deputy triage and write; director reads every entry (and will sign off); specialist \
            reads the entries assigned to them; auditor sees statistics only. After the lead unlocks, hand the \
            keyboard to the new member to type their passphrase twice; scripts pass --new-passphrase-file.
            """)

    @Argument(help: "The new member's name, as they will type it with --as.")
    var name: String

    @Option(help: "lead, deputy, specialist, director or auditor.")
    var role: String

    @Option(help: "Read the new member's passphrase from this file instead of asking.")
    var newPassphraseFile: String?

    @OptionGroup var options: JournalOptions

    func validate() throws {
        guard let role = MemberRole(rawValue: role) else {
            throw ValidationError(
                Messages.forUsage(
                    "usage.one_of", ["flag": "--role", "choices": "lead, deputy, specialist, director, auditor"]))
        }
        if role == .lead { throw ValidationError(Messages.forUsage("usage.one_lead")) }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > 100 { throw ValidationError(Messages.forUsage("usage.name_length")) }
    }

    func run() async throws {
        let m = options.messages
        let session = try options.unlock()
        // Told before typing the new member's passphrase twice for nothing.
        guard session.member.role == .lead else {
            throw JournalError.notAllowed(member: session.member.name, action: .addMembers)
        }
        let passphrase = try PassphraseInput.newPassphrase(
            file: newPassphraseFile, prompt: m("prompt.member_new_passphrase", ["name": name]), messages: m)
        guard passphrase.characterCount >= KeysGenerate.minimumPassphraseLength else {
            throw CLIError(
                m("error.weak_passphrase", ["min": "\(KeysGenerate.minimumPassphraseLength)"]),
                hint: m("hint.weak_passphrase"))
        }
        let role = MemberRole(rawValue: role)!
        let added = try session.addMember(name: name, role: role, passphrase: passphrase, now: options.now())
        print(m("members.added", ["name": added.name, "role": m("role.\(role.rawValue)")]))
    }
}
