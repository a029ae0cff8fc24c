import Foundation
import Hummingbird

/// The CSS and images of `Web/static`, read once at start-up and served from memory.
///
/// Serving a fixed in-memory map rather than a file middleware means no request path is
/// ever turned into a file-system path: traversal is impossible by construction.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
    }

    static let types = [
        "css": "text/css; charset=utf-8", "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon",
    ]
    let assets: [String: Asset]

    init(directory: URL) throws {
        var assets: [String: Asset] = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        for name in names {
            guard let type = Self.types[(name as NSString).pathExtension.lowercased()] else { continue }
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            assets[name] = Asset(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        self.assets = assets
    }

    func response(for name: String) -> Response? {
        guard let asset = assets[name] else { return nil }
        return Response(status: .ok, headers: [.contentType: asset.contentType], body: .init(byteBuffer: asset.bytes))
    }
}
