// libFuzzer target: the collection API's bodies as each side reads the other's (issue 13 §2) — a collect answer
// as `senim pull` reads an intake's, and the collect and acknowledge requests as the intake reads them. Built by
// Tests/Fuzz/run.sh with the ReportFormat sources.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCollect(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(UnsafeRawBufferPointer(start: start, count: count))
    if let page = CollectionAPI.answer(from: data) {
        for item in page.items {
            // What is taken is what an intake sends: a 16-byte ID, a real day, envelope bytes.
            precondition(item.id.count == 16)
            precondition(Report.isDay(item.day))
            precondition(!item.envelope.isEmpty)
            // And reads back the same once written as an intake writes it.
            let again = CollectionAPI.Item(
                id: item.id.hexString, day: item.day, envelope: item.envelope.base64EncodedString())
            precondition(again.collected == item)
        }
    }
    if let request = try? JSONDecoder().decode(CollectionAPI.CollectRequest.self, from: data) {
        _ = request.after.flatMap { Data(hex: $0) }
    }
    if let ack = try? JSONDecoder().decode(CollectionAPI.AckRequest.self, from: data) {
        for id in ack.ids {
            if let bytes = Data(hex: id) { precondition(bytes.hexString == id.lowercased()) }
        }
    }
    return 0
}
