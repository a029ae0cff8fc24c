import Hummingbird
import NIOCore

/// The request context of the intake. It deliberately does not conform to
/// `RemoteAddressRequestContext`: the peer address is reduced to an opaque keyed tag
/// as the request arrives, and only the tag is kept, for flood control.
public struct IntakeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Keyed hash of the client's IP address (not its port); nil when there is no address.
    public let clientTag: UInt64?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientTag = source.channel.remoteAddress?.ipAddress.map { ClientTag.of(address: $0) }
    }
}
