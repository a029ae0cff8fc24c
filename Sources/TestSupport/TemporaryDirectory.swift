import Foundation

/// A fresh folder removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("senim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A fresh folder in memory (`/dev/shm`) when the machine has one, else in the temporary folder: for tests of
    /// sockets and pages whose spool must be a real file but whose timing must not hang on other tests' fsyncs.
    public static func inMemory() throws -> TemporaryDirectory {
        let shm = URL(fileURLWithPath: "/dev/shm")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: shm.path, isDirectory: &isFolder), isFolder.boolValue else {
            return try TemporaryDirectory()
        }
        return try TemporaryDirectory(url: shm.appendingPathComponent("senim-test-\(UUID().uuidString)"))
    }

    private init(url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
