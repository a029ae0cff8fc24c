import ArgumentParser
import Foundation
import Hummingbird
import IntakeServer
import Logging
import NIOCore

/// `senim-intake`: serves the reporting form and seals every report on arrival.
@main
struct SenimIntake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "senim-intake",
        abstract: "Serve the Senim reporting form; seal every report to the safety service's public key.",
        discussion: """
            Every option can also be set by an environment variable, shown in brackets; \
            a flag given on the command line wins. The intake holds no secret key and \
            cannot read the reports it stores.
            """)

    /// A command line that cannot run is told in the intake's `senim-intake: error:` / `hint:` form, like every
    /// other startup error, rather than ArgumentParser's `Error:` (issue 16).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure, !message(for: error).isEmpty else { exit(withError: error) }
            FileHandle.standardError.write(
                Data(
                    ("senim-intake: error: \(message(for: error))\n"
                        + "hint: see the options with: senim-intake --help\n").utf8))
            Foundation.exit(code.rawValue)
        }
    }

    @Option(help: "Address to listen on [SENIM_HOST]. (default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on [SENIM_PORT]. (default: 8080)")
    var port: Int?

    @Option(help: "The safety service's public key file [SENIM_PUBLIC_KEY]. (default: Keys/safety-service.pub)")
    var publicKey: String?

    @Option(help: "The journal's collector key file [SENIM_COLLECTOR_KEY]. (default: Keys/collector.pub)")
    var collectorKey: String?

    @Option(help: "Spool database of sealed reports [SENIM_SPOOL]. (default: spool.sqlite)")
    var spool: String?

    @Option(help: "Folder with templates, strings and static files [SENIM_WEB]. (default: Web)")
    var web: String?

    @Option(help: "School name shown on the form [SENIM_SCHOOL_NAME].")
    var schoolName: String?

    @Option(help: "Largest request body in bytes [SENIM_MAX_BODY_BYTES]. (default: 524288)")
    var maxBodyBytes: Int?

    @Option(
        help: "Seconds a silent or stalled connection is kept open, 0 for no limit [SENIM_IDLE_TIMEOUT]. (default: 30)")
    var idleTimeout: Int?

    @Option(
        help: """
            Seconds a request may take from its head to the end of its body, 0 for no limit \
            [SENIM_REQUEST_TIMEOUT]. (default: 60)
            """)
    var requestTimeout: Int?

    @Option(
        help: """
            Connections open at once; past it the one waiting longest is closed, 0 for as many as the open-file \
            limit allows [SENIM_MAX_CONNECTIONS]. (default: 2048)
            """)
    var maxConnections: Int?

    @Option(
        help: """
            Reports per client per minute, 0 for no limit; behind a proxy every client is the proxy \
            [SENIM_PER_CLIENT_PER_MINUTE]. (default: 10)
            """)
    var perClientPerMinute: Int?

    @Option(help: "Reports per minute from everyone, 0 for no limit [SENIM_GLOBAL_PER_MINUTE]. (default: 600)")
    var globalPerMinute: Int?

    @Option(help: "Days a reporter's mailbox is kept after its last use [SENIM_MAILBOX_DAYS]. (default: 90)")
    var mailboxDays: Int?

    @Option(
        help: """
            Refused posts answered per client per minute before it is told 429, 0 for no limit; refusals never \
            spend the reports' budget [SENIM_REFUSALS_PER_CLIENT_PER_MINUTE]. (default: 60)
            """)
    var refusalsPerClientPerMinute: Int?

    @Option(
        help:
            "Refused posts answered per minute from everyone, 0 for no limit [SENIM_REFUSALS_PER_MINUTE]. (default: 6000)"
    )
    var refusalsPerMinute: Int?

    @Option(
        help: """
            Bytes of reports stored between copies of the spool's write-ahead log into the database \
            [SENIM_CHECKPOINT_BYTES]. (default: 4194304)
            """)
    var checkpointBytes: Int?

    @Option(
        help: """
            Size in bytes past which the spool's write-ahead log starts over [SENIM_RESTART_LOG_BYTES]. \
            (default: 67108864)
            """)
    var restartLogBytes: Int?

    func validate() throws {
        for (name, value) in [
            ("--max-body-bytes", maxBodyBytes), ("--idle-timeout", idleTimeout),
            ("--checkpoint-bytes", checkpointBytes), ("--restart-log-bytes", restartLogBytes),
            ("--per-client-per-minute", perClientPerMinute),
            ("--global-per-minute", globalPerMinute), ("--request-timeout", requestTimeout),
            ("--max-connections", maxConnections), ("--refusals-per-client-per-minute", refusalsPerClientPerMinute),
            ("--refusals-per-minute", refusalsPerMinute), ("--mailbox-days", mailboxDays),
        ] {
            if let value, value < 0 { throw ValidationError("\(name) must be 0 or more") }
        }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    }

    func resolved(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> IntakeConfiguration {
        var config = IntakeConfiguration()
        func int(_ flag: Int?, _ variable: String, _ fallback: Int) throws -> Int {
            if let flag { return flag }
            guard let text = environment[variable] else { return fallback }
            guard let value = Int(text), value >= 0 else {
                throw ValidationError("\(variable) must be a whole number, 0 or more (it is \"\(text)\")")
            }
            return value
        }
        config.host = host ?? environment["SENIM_HOST"] ?? config.host
        config.port = try int(port, "SENIM_PORT", config.port)
        config.publicKeyPath = publicKey ?? environment["SENIM_PUBLIC_KEY"] ?? config.publicKeyPath
        config.collectorKeyPath = collectorKey ?? environment["SENIM_COLLECTOR_KEY"] ?? config.collectorKeyPath
        config.spoolPath = spool ?? environment["SENIM_SPOOL"] ?? config.spoolPath
        config.webDirectory = web ?? environment["SENIM_WEB"] ?? config.webDirectory
        config.schoolName = schoolName ?? environment["SENIM_SCHOOL_NAME"] ?? config.schoolName
        config.maxBodyBytes = try int(maxBodyBytes, "SENIM_MAX_BODY_BYTES", config.maxBodyBytes)
        config.idleTimeoutSeconds = try int(idleTimeout, "SENIM_IDLE_TIMEOUT", config.idleTimeoutSeconds)
        config.checkpointBytes = try int(checkpointBytes, "SENIM_CHECKPOINT_BYTES", config.checkpointBytes)
        config.restartLogBytes = try int(restartLogBytes, "SENIM_RESTART_LOG_BYTES", config.restartLogBytes)
        config.perClientPerMinute = try int(
            perClientPerMinute, "SENIM_PER_CLIENT_PER_MINUTE", config.perClientPerMinute)
        config.globalPerMinute = try int(globalPerMinute, "SENIM_GLOBAL_PER_MINUTE", config.globalPerMinute)
        config.mailboxDays = try int(mailboxDays, "SENIM_MAILBOX_DAYS", config.mailboxDays)
        config.requestTimeoutSeconds = try int(requestTimeout, "SENIM_REQUEST_TIMEOUT", config.requestTimeoutSeconds)
        config.maxConnections = try int(maxConnections, "SENIM_MAX_CONNECTIONS", config.maxConnections)
        config.refusalsPerClientPerMinute = try int(
            refusalsPerClientPerMinute, "SENIM_REFUSALS_PER_CLIENT_PER_MINUTE", config.refusalsPerClientPerMinute)
        config.refusalsPerMinute = try int(refusalsPerMinute, "SENIM_REFUSALS_PER_MINUTE", config.refusalsPerMinute)
        return config
    }

    func run() async throws {
        // Files the intake creates (the spool, its WAL) are for its own user alone.
        umask(0o077)
        let config = try resolved()
        var logger = Logger(label: "senim-intake")
        logger.logLevel = .info
        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(configuration: config, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("senim-intake: error: cannot start: \(error)\n".utf8))
            FileHandle.standardError.write(
                Data(
                    "hint: check --public-key, --spool and --web (run from the repository root for the defaults)\n".utf8
                ))
            throw ExitCode(1)
        }
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            FileHandle.standardError.write(
                Data("senim-intake: error: port \(config.port) is in use on \(config.host)\n".utf8))
            FileHandle.standardError.write(
                Data("hint: stop the program using it, or choose another port with --port or SENIM_PORT\n".utf8))
            throw ExitCode(1)
        }
    }
}
