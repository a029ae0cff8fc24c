/// Everything `senim-intake` can be told at start-up.
public struct IntakeConfiguration: Sendable {
    /// Address to listen on.
    public var host: String = "127.0.0.1"
    /// Port to listen on (0 picks a free one).
    public var port: Int = 8080
    /// The safety service's public key file (`senim-public-1`).
    public var publicKeyPath: String = "Keys/safety-service.pub"
    /// The journal's collector public key (`senim-collector-1`); collection is off without it.
    public var collectorKeyPath: String = "Keys/collector.pub"
    /// The spool database of sealed envelopes.
    public var spoolPath: String = "spool.sqlite"
    /// The folder with `templates/`, `strings/` and `static/`.
    public var webDirectory: String = "Web"
    /// The school's name, shown on the form.
    public var schoolName: String = ""
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int = 512 * 1024
    /// Seconds a connection may send nothing that completes a request head or a body part before it is closed
    /// (0: never), so that slow or lying clients cannot hold connections open.
    public var idleTimeoutSeconds: Int = 30
    /// Seconds a request may take from its head to the end of its body before the connection is closed (0: no
    /// limit): the idle timeout restarts with every body part, so a body sent a byte a second needs this.
    public var requestTimeoutSeconds: Int = 60
    /// Connections open at once (0: no cap; never more than the open-file limit allows). Past it, the connection
    /// waiting longest without being answered is closed to let a new one in.
    public var maxConnections: Int = 2048
    /// Bytes of envelopes committed between copies of the spool's log into its database (`SpoolCheckpointer`).
    public var checkpointBytes: Int = 4 << 20
    /// The size past which the spool's log is started over.
    public var restartLogBytes: Int = 64 << 20
    /// Days a reporter's mailbox is kept after it was last used (issue 17).
    public var mailboxDays: Int = 90
    /// Reports accepted per client per minute (0: no limit).
    public var perClientPerMinute: Int = 10
    /// Reports accepted per minute from everyone together (0: no limit).
    public var globalPerMinute: Int = 600
    /// Refused posts (not a report, too large, a caught bot) answered per client per minute before the client is
    /// told 429 and its connection closed (0: no limit). Refusals never spend the reports' budget above.
    public var refusalsPerClientPerMinute: Int = 60
    /// Refused posts answered per minute from everyone together (0: no limit).
    public var refusalsPerMinute: Int = 6000

    public init() {}
}
