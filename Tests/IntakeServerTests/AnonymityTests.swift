import Foundation
import ReportFormat
import Spool
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

#if os(Linux)
    /// The real `senim-intake` executable, its logs in files, sent reports that carry canaries from several loopback
    /// addresses; then every file it wrote is searched.
    @Suite struct AnonymityTests {
        /// Every canary starts with this, so one scan of a file finds any of them.
        static let marker = "zqxcanary"
        static let sources = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"]

        static func randomToken(_ length: Int) -> String {
            let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
            return String((0..<length).map { _ in letters.randomElement()! })
        }

        @Test func aThousandReportsLeaveNoCanaryAndNoAddressInAnyFileTheIntakeWrote() throws {
            let folder = try TemporaryDirectory()
            try FileManager.default.createDirectory(atPath: folder.path("tmp"), withIntermediateDirectories: true)
            let intake = try IntakeChild(
                IntakeChild.noLimits, folder: folder, spool: folder.path("spool.sqlite"),
                environment: ["TMPDIR": folder.path("tmp")])
            try intake.waitUntilReady()

            var accepted = 0
            let count = 1_000
            for index in 0..<count {
                var fields = Sample.of([.kk, .ru, .en][index % 3]).fields
                let secret = Self.marker + Self.randomToken(64 - Self.marker.count)
                fields.set("text", "Мені қорқытады. Меня пугают. \(secret)")
                let request = Wire.form(
                    "/report", fields.encoded,
                    extra: [
                        "User-Agent: Mozilla/5.0 (" + Self.marker + "ua" + Self.randomToken(24) + ")",
                        "X-Forwarded-For: 203.0.113.\(index % 250), " + Self.marker + "xff" + Self.randomToken(16),
                        "Cookie: session=" + Self.marker + "cookie\(index)",
                    ])
                let source = Self.sources[index % Self.sources.count]
                if try Wire.blockingExchange(from: source, port: intake.port, request).status == 303 {
                    accepted += 1
                }
            }
            intake.process.terminate()
            intake.process.waitUntilExit()
            #expect(accepted == count)

            // Every file the intake wrote: the spool and its WAL and shared memory, its logs, its temporary files.
            let spool = try SpoolDatabase(path: folder.path("spool.sqlite"))
            let entries = try spool.all()
            #expect(entries.count == count)
            let sizes = Set(
                FormatConstants.paddingBuckets.map {
                    FormatConstants.envelopeHeaderLength + Sodium.sealOverhead + $0
                })
            #expect(entries.allSatisfy { sizes.contains($0.envelope.count) }, "only the padding buckets' sizes")

            var files: [String] = []
            let walker = FileManager.default.enumerator(atPath: folder.url.path)
            while let name = walker?.nextObject() as? String {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: folder.path(name), isDirectory: &isDirectory),
                    !isDirectory.boolValue
                {
                    files.append(name)
                }
            }
            #expect(files.contains("spool.sqlite"))
            #expect(files.contains("stderr.log"))
            // The control: the logs were captured and are searched (the intake does log, just nothing identifying).
            let logs = try [folder.path("stdout.log"), folder.path("stderr.log")]
                .map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
            #expect(logs.contains("senim-intake ready"))
            let needles = [Self.marker, "203.0.113."] + Self.sources
            for file in files {
                let bytes = try Data(contentsOf: folder.url.appendingPathComponent(file))
                for needle in needles {
                    #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) is in \(file)")
                }
            }
        }
    }
#endif
