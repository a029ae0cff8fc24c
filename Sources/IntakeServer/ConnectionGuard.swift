import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Synchronization

/// Every open connection and what it is doing, so that connections that only hold the intake up cannot keep a
/// report out (issue 13 §3).
///
/// Past `maxConnections`, a new connection is let in and the one waiting longest without being answered — an idle
/// keep-alive or a request still arriving — is closed instead: a trickle of slow connections then has to outrun
/// every real report to keep one out, rather than fill the table once. A connection whose request is being
/// answered is never shed.
public final class ConnectionRegistry: Sendable {
    enum Phase: Sendable {
        /// Between requests (or before the first).
        case idle
        /// A request's head is in, its body is still arriving.
        case receiving
        /// The whole request is in and being answered.
        case answering
    }

    private struct Entry: Sendable {
        let channel: any Channel
        var phase: Phase
        var since: NIODeadline
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    /// 0: no cap.
    let maxConnections: Int

    public init(maxConnections: Int) { self.maxConnections = maxConnections }

    /// How many connections are open.
    public var count: Int { entries.withLock { $0.count } }

    func opened(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let shed: (any Channel)? = entries.withLock { entries in
            guard entries[key] == nil else { return nil }
            entries[key] = Entry(channel: channel, phase: .idle, since: .now())
            guard maxConnections > 0, entries.count > maxConnections else { return nil }
            let waiting = entries.filter { $0.key != key && $0.value.phase != .answering }
            guard let oldest = waiting.min(by: { $0.value.since < $1.value.since }) else { return channel }
            entries.removeValue(forKey: oldest.key)
            return oldest.value.channel
        }
        shed?.close(promise: nil)
    }

    func changed(_ channel: any Channel, to phase: Phase) {
        entries.withLock { entries in
            guard entries[ObjectIdentifier(channel)] != nil else { return }
            entries[ObjectIdentifier(channel)]!.phase = phase
            entries[ObjectIdentifier(channel)]!.since = .now()
        }
    }

    func closed(_ channel: any Channel) { _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }
}

/// One connection's guard, after the HTTP decoder: gives each request `requestTimeout` from its head to the end of
/// its body (the idle timeout alone restarts with every body part, so one byte a second would hold a connection for
/// ever), tells the registry what the connection is doing, and answers `Expect: 100-continue` with
/// `100 Continue` (RFC 9110 §10.1.1) when the body will be read.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let registry: ConnectionRegistry
    private let requestTimeout: TimeAmount?
    private let maxBodyBytes: Int
    private var deadline: Scheduled<Void>?

    init(registry: ConnectionRegistry, requestTimeout: TimeAmount?, maxBodyBytes: Int) {
        self.registry = registry
        self.requestTimeout = requestTimeout
        self.maxBodyBytes = maxBodyBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { registry.opened(context.channel) }
        // Before the conversion to HTTP types, which drops the version: an HTTP/1.0 request is closed after its
        // answer unless it asked for keep-alive.
        if let codec = try? context.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self) {
            try? context.pipeline.syncOperations.addHandler(HTTP10CloseHandler(), position: .before(codec))
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        registry.opened(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        registry.closed(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        registry.closed(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            registry.changed(context.channel, to: .receiving)
            if let requestTimeout {
                let channel = context.channel
                deadline = context.eventLoop.scheduleTask(in: requestTimeout) { channel.close(promise: nil) }
            }
            if Self.expectsContinue(head, maxBodyBytes: maxBodyBytes) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
            registry.changed(context.channel, to: .answering)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { registry.changed(context.channel, to: .idle) }
        context.write(data, promise: promise)
    }

    /// Whether to send `100 Continue`: the client waits for it, and the body will be read (a declared length over
    /// the limit is answered 413 at once instead).
    static func expectsContinue(_ head: HTTPRequest, maxBodyBytes: Int) -> Bool {
        guard let expect = head.headerFields[.expect], expect.lowercased() == "100-continue" else { return false }
        if let declared = head.headerFields[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            return false
        }
        return true
    }
}

/// The open-file limit raised as far as the system allows, so that the connection cap, not the file table, is
/// what bounds connections; returns the limit now in force.
public func raiseOpenFileLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
    if limit.rlim_cur < limit.rlim_max {
        var raised = limit
        raised.rlim_cur = min(limit.rlim_max, 1 << 20)
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
    }
    return Int(clamping: limit.rlim_cur)
}

/// Closes an HTTP/1.0 connection after its answer unless the request asked for keep-alive (RFC 9112 §9.3): text
/// browsers such as lynx and w3m send HTTP/1.0 and wait for the close, so without this every page took the idle
/// timeout (30 s) to arrive (issue 16). It marks such a request `Connection: close`, which the server honours.
final class HTTP10CloseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), head.version.major == 1, head.version.minor == 0,
            !head.isKeepAlive
        else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
