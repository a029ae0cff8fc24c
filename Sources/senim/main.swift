import Foundation
import TriageCLI

// Decrypted reports and unlocked keys must never land in a core file.
ProcessHardening.disableCoreDumps()
exit(await SenimCommand.runMain())
