import ArgumentParser
import Foundation
import Journal

/// `senim review`: the director's session — entries waiting for review first, read, comment, sign off.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The director's review: entries waiting first; read, comment and sign off.",
        discussion: """
            `senim review` alone is the interactive session (keyboard only, 80×24, paged; keys work on the \
            Cyrillic layout too; ? shows them; nothing stays on the screen afterwards). A sign-off is an Ed25519 \
            signature by the director's key over the entry's current content; a later change to the entry shows the \
            sign-off as outdated.
            """,
        subcommands: [ReviewSession.self, ReviewList.self, ReviewSign.self, ReviewComment.self],
        defaultSubcommand: ReviewSession.self)
}
