import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes
import ReportFormat

/// The headers every response carries, whatever its route or status.
public enum SecurityHeaders {
    /// The Content-Security-Policy: nothing but our own CSS and images; no script at all.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    /// Header name and value pairs.
    public static let all: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy, contentSecurityPolicy),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (.cacheControl, "no-store"),
        (HTTPField.Name("Permissions-Policy")!, "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        (HTTPField.Name("Cross-Origin-Opener-Policy")!, "same-origin"),
        (HTTPField.Name("Cross-Origin-Resource-Policy")!, "same-origin"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
    ]

    static func apply(to headers: inout HTTPFields) {
        headers[.setCookie] = nil
        headers[.server] = nil
        for (name, value) in all { headers[name] = value }
    }
}

/// Adds the security headers to every response head written on a connection, including the bare 400 that
/// Hummingbird writes itself, before any middleware runs, when the HTTP parser rejects a request.
final class SecurityHeadersHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        SecurityHeaders.apply(to: &head.headerFields)
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}

/// Adds the security headers to every response and turns every error into a localised
/// page: an error never reaches the client as a bare message from a library.
struct PageMiddleware: RouterMiddleware {
    typealias Context = IntakeRequestContext
    let pages: Pages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = errorPage(status: error.status, request: request)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(type(of: error))"])
            response = errorPage(status: .internalServerError, request: request)
        }
        SecurityHeaders.apply(to: &response.headers)
        return response
    }

    func errorPage(status: HTTPResponse.Status, request: Request) -> Response {
        let code = Pages.statusCodes.contains(status.code) ? status.code : (status.code >= 500 ? 500 : 400)
        let language = LanguageNegotiation.choose(
            query: request.uri.queryParameters["lang"].map(String.init),
            acceptLanguage: request.headers[.acceptLanguage])
        if request.uri.path.hasPrefix("/api/") {
            return APIResponses.error(status: status, message: pages.text("status.\(code).message", language))
        }
        return HTMLResponse.page(pages.status(code, language), status: status)
    }
}

enum HTMLResponse {
    /// The status of the pages that hold what a child typed or that a report was sent: the form and the
    /// confirmation (issue 16). Chromium keeps a page it leaves, as it was, for Back (its back/forward cache, which
    /// no longer heeds `Cache-Control: no-store` while no cookie changes) only when the page was answered 200; so a
    /// quick exit followed by Back showed the form with the child's words in it, or the confirmation. `202 Accepted`
    /// is a success to every browser and tool, and Back then asks the intake again: a fresh form, a blank page for
    /// a confirmation already shown. Firefox keeps no `no-store` page for Back. `BrowserTests` holds both.
    static let notKeptForBack: HTTPResponse.Status = .accepted

    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
