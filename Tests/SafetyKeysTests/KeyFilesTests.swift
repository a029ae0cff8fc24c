import Foundation
import SafetyKeys
import TestSupport
import Testing

/// Permission bits and inode of a file.
private func fileStatus(_ path: String) throws -> (mode: mode_t, inode: ino_t) {
    var info = stat()
    guard lstat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
    return (info.st_mode & 0o7777, info.st_ino)
}

private func contents(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

/// Runs `body` with a process umask, restoring the previous one. The umask is process-wide, so the
/// suites that use this are serialised and keep the window short.
private func withUmask<R>(_ mask: mode_t, _ body: () throws -> R) rethrows -> R {
    let previous = umask(mask)
    defer { umask(previous) }
    return try body()
}

@Suite(.serialized) struct WritingKeyFiles {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    @Test(arguments: [0o000, 0o022, 0o077] as [mode_t])
    func secretFileIsCreatedOwnerOnlyWhateverTheUmask(mask: mode_t) throws {
        let path = folder.path("safety-service.key")
        try withUmask(mask) { try KeyFiles.writeSecret("secret text\n", to: path, force: false) }
        #expect(try fileStatus(path).mode == 0o600)
        #expect(try contents(path) == "secret text\n")
    }

    @Test(arguments: [0o000, 0o022, 0o077] as [mode_t])
    func publicFileIsWorldReadableWhateverTheUmask(mask: mode_t) throws {
        let path = folder.path("safety-service.pub")
        try withUmask(mask) { try KeyFiles.writePublic("public text\n", to: path, force: false) }
        #expect(try fileStatus(path).mode == 0o644)
        #expect(try contents(path) == "public text\n")
    }

    @Test func secretFileWithForceIsStillOwnerOnlyUnderUmaskZero() throws {
        let path = folder.path("safety-service.key")
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)
        try withUmask(0) { try KeyFiles.writeSecret("new\n", to: path, force: true) }
        #expect(try fileStatus(path).mode == 0o600)
        #expect(try contents(path) == "new\n")
    }
}

@Suite struct RefusingToOverwriteKeyFiles {
    let folder: TemporaryDirectory
    init() throws { folder = try TemporaryDirectory() }

    @Test func existingSecretFileIsNotReplacedWithoutForce() throws {
        let path = folder.path("safety-service.key")
        try "the only copy of an old key\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        let before = try fileStatus(path)
        #expect(throws: SecretKeyError.exists(path: path)) {
            try KeyFiles.writeSecret("a new key\n", to: path, force: false)
        }
        #expect(try contents(path) == "the only copy of an old key\n")
        #expect(try fileStatus(path).inode == before.inode)
        #expect(try fileStatus(path).mode == 0o600)
    }

    @Test func existingPublicFileIsNotReplacedWithoutForce() throws {
        let path = folder.path("safety-service.pub")
        try "old public\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: SecretKeyError.exists(path: path)) {
            try KeyFiles.writePublic("new public\n", to: path, force: false)
        }
        #expect(try contents(path) == "old public\n")
    }

    @Test func symlinkIsNeverFollowedWhenCreating() throws {
        let target = folder.path("elsewhere")
        let path = folder.path("safety-service.key")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(throws: SecretKeyError.exists(path: path)) {
            try KeyFiles.writeSecret("secret\n", to: path, force: false)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func forceReplacesByRenamingANewFileOverTheOld() throws {
        let path = folder.path("safety-service.key")
        try "old key\n".write(toFile: path, atomically: false, encoding: .utf8)
        let before = try fileStatus(path)
        try KeyFiles.writeSecret("new key\n", to: path, force: true)
        #expect(try contents(path) == "new key\n")
        // A new inode: the old file was never truncated in place, so a crash leaves one whole file.
        #expect(try fileStatus(path).inode != before.inode)
        #expect(try fileStatus(path).mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["safety-service.key"])
    }

    @Test func forceCreatesAFileThatDidNotExist() throws {
        let path = folder.path("school-7.pub")
        try KeyFiles.writePublic("public\n", to: path, force: true)
        #expect(try contents(path) == "public\n")
        #expect(try fileStatus(path).mode == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["school-7.pub"])
    }

    @Test(arguments: [false, true])
    func missingFolderIsAnIOErrorNamingThePath(force: Bool) throws {
        let path = folder.path("no-such-folder/safety-service.key")
        do {
            try KeyFiles.writeSecret("secret\n", to: path, force: force)
            Issue.record("writing into a missing folder succeeded")
        } catch {
            guard case .io(let failedPath, let reason) = error else {
                Issue.record("expected .io, got \(error)")
                return
            }
            #expect(failedPath.hasPrefix(path))
            #expect(reason == String(cString: strerror(ENOENT)))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }
}
