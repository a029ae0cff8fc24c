import Foundation
import GRDB
import ReportFormat
import SafetyKeys
import Spool
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// A tmpfs of a few hundred kilobytes, mounted for one test (needs root, as on the CI machine).
    final class TinyFilesystem {
        let path: String

        init(at path: String, kilobytes: Int) throws {
            self.path = path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let result = try ProgramRunner.run(
                "/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path])
            guard result.status == 0 else {
                throw Wire.Failure("cannot mount a tmpfs at \(path): \(result.stderr)")
            }
        }

        /// Whether this process may mount one.
        static var canMount: Bool { geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

        /// Writes zeros to `name` until the filesystem is full; returns how many bytes went in.
        @discardableResult
        func fill(_ name: String) -> Int {
            let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            defer { close(fd) }
            let chunk = [UInt8](repeating: 0, count: 4096)
            var written = 0
            while true {
                let count = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if count <= 0 { return written }
                written += count
            }
        }

        deinit { _ = try? ProgramRunner.run("/bin/umount", ["-l", path]) }
    }

    /// Disk full: the intake answers 503 with a page in the reporter's language, stores nothing partial, keeps
    /// serving, and takes reports again once there is space.
    @Suite(.enabled(if: TinyFilesystem.canMount, "mounting a tmpfs needs root"))
    struct DiskFullTests {
        static func post(_ language: Language, token: String, port: Int) throws -> Wire.Answer {
            var fields = Sample.of(language).fields
            fields.set("text", "Мені қорқытады. Меня пугают. \(token)")
            return try Wire.blockingExchange(port: port, Wire.form("/report", fields.encoded))
        }

        @Test func aFullDiskIsALocalised503ThatStoresNothingAndTheIntakeTakesReportsAgainOnceThereIsSpace() throws {
            let folder = try TemporaryDirectory()
            let disk = try TinyFilesystem(at: folder.path("disk"), kilobytes: 512)
            let spoolPath = disk.path + "/spool.sqlite"
            let intake = try IntakeChild(IntakeChild.noLimits, folder: folder, spool: spoolPath)
            try intake.waitUntilReady()

            var accepted: Set<String> = []
            #expect(try Self.post(.ru, token: "full-0", port: intake.port).status == 303)
            accepted.insert("full-0")
            disk.fill("ballast")
            // Pages the write-ahead log already holds can be reused, so a few reports may still fit.
            var refusal: Wire.Answer?
            for index in 1...200 {
                let answer = try Self.post(.ru, token: "full-\(index)", port: intake.port)
                if answer.status == 200 {
                    accepted.insert("full-\(index)")
                } else {
                    refusal = answer
                    break
                }
            }
            let page = try #require(refusal, "the intake never refused on a full disk")
            print("disk full: \(accepted.count - 1) reports still fitted after the ballast, then \(page.status)")
            #expect(page.status == 503)
            #expect(page.text.contains("<html lang=\"ru\""))
            #expect(page.text.contains("Сервис сейчас недоступен"))
            #expect(page.text.contains("Ничего не сохранено"))
            for language in [Language.kk, .en] {
                let answer = try Self.post(language, token: "refused-\(language)", port: intake.port)
                #expect(answer.status == 503)
                #expect(answer.text.contains("<html lang=\"\(language.rawValue)\""))
            }
            let health = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
            #expect(try Wire.blockingExchange(port: intake.port, health).status == 200, "still serving")

            try FileManager.default.removeItem(atPath: disk.path + "/ballast")
            for index in 1...3 {
                #expect(try Self.post(.en, token: "again-\(index)", port: intake.port).status == 303)
                accepted.insert("again-\(index)")
            }
            intake.process.terminate()
            intake.process.waitUntilExit()

            let queue = try DatabaseQueue(path: spoolPath)
            #expect(try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
            let keys = try TestKeys.keyPair()
            let stored = try SpoolDatabase(path: spoolPath).all().map { entry in
                String(try keys.open(Envelope(parsing: entry.envelope)).text.split(separator: " ").last ?? "")
            }
            #expect(stored.count == Set(stored).count, "nothing stored twice")
            #expect(Set(stored) == accepted, "exactly the reports acknowledged (303): no refused one, no partial row")
        }
    }
#endif
