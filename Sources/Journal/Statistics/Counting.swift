import Foundation
import GRDB

extension Journal {
    /// The school's quarter starts: the journal folder's `quarters.txt`, else the standard ones.
    public func quarterStarts() throws -> QuarterStarts {
        let path = directory.appendingPathComponent("quarters.txt").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return .standard }
        guard let starts = QuarterStarts(text: text) else { throw JournalError.quartersFile(path: path) }
        return starts
    }

    /// Counts the item 36 indicators for a period from the queryable columns only: no entry key is needed, and no
    /// text is read. Entries count by their registration time in the school's time zone.
    public func statistics(_ period: StatsPeriod) throws -> Statistics {
        let timeZone = try timeZone()
        let from = JournalClock.stamp(period.from.start(in: timeZone))
        let until = JournalClock.stamp(period.until.start(in: timeZone))
        return try database.writer.read { db in
            // The counts come from plaintext columns: a row changed behind Senim's back must not be counted (nor
            // signed into an export) as if the log vouched for it.
            try Ledger.requireRecorded(db, tables: ["entry", "entry_person"])
            var counts: [Indicator: IndicatorCounts] = [:]
            for indicator in Indicator.allCases { counts[indicator] = IndicatorCounts(byType: [:], total: 0) }
            var typeCache: [String: [CrueltyType]] = [:]
            func types(_ text: String) -> [CrueltyType] {
                if let cached = typeCache[text] { return cached }
                let parsed = text.split(separator: ",").compactMap { CrueltyType(rawValue: String($0)) }
                typeCache[text] = parsed
                return parsed
            }
            func add(_ indicator: Indicator, _ types: [CrueltyType], _ n: Int) {
                guard n != 0 else { return }
                for type in types { counts[indicator]!.byType[type, default: 0] += n }
            }

            // Per combination of types (a few dozen groups, however many entries), summed in SQLite from an index
            // that covers them: incidents, staff dismissed, and the students each entry counts.
            let groups = try Row.fetchAll(
                db,
                sql: """
                    SELECT types, COUNT(*), SUM(staff_dismissed), SUM(aggressors), SUM(victims), SUM(witnesses)
                    FROM entry WHERE registered_at >= ? AND registered_at < ? GROUP BY types
                    """, arguments: [from, until])
            var entryCount = 0
            for group in groups {
                let groupTypes = types(group[0])
                let n: Int = group[1]
                entryCount += n
                add(.incidents, groupTypes, n)
                counts[.incidents]!.total += n
                let dismissed: Int = group[2]
                add(.staffDismissed, groupTypes, dismissed)
                counts[.staffDismissed]!.total += dismissed
                for (column, indicator) in [(3, Indicator.aggressors), (4, .victims), (5, .witnesses)] {
                    let counted: Int = group[column]
                    add(indicator, groupTypes, counted)
                    counts[indicator]!.total += counted
                }
            }

            // Students recorded individually count once per indicator (and once per type) however many entries
            // of the period name them; the ones an entry counts but nobody recorded stay children of their own.
            var students: [Indicator: [CrueltyType: Set<Int64>]] = [:]
            var studentTotals: [Indicator: Set<Int64>] = [:]
            var factCache: [String: (role: StudentRole?, indicators: [Indicator])] = [:]
            struct Named {
                var types: [CrueltyType]
                var counted: [Int]
                var named = [0, 0, 0]
            }
            var namedByEntry: [Int64: Named] = [:]
            let roles: [StudentRole] = [.aggressor, .victim, .witness]
            let people = try Row.fetchCursor(
                db,
                sql: """
                    SELECT entry_person.person_id, entry_person.role, entry_person.facts, entry.types, entry.id,
                        entry.aggressors, entry.victims, entry.witnesses
                    FROM entry_person JOIN entry ON entry.id = entry_person.entry_id
                    WHERE entry.registered_at >= ? AND entry.registered_at < ?
                    """, arguments: [from, until])
            while let row = try people.next() {
                let person: Int64 = row[0]
                let key = (row[1] as String) + "|" + (row[2] as String)
                let parsed =
                    factCache[key]
                    ?? {
                        let parts = key.split(separator: "|", omittingEmptySubsequences: false)
                        let role = StudentRole(rawValue: String(parts[0]))
                        let facts = Set(parts[1].split(separator: ",").compactMap { StudentFact(rawValue: String($0)) })
                        let found = Indicator.allCases.filter {
                            ($0.role != nil && $0.role == role) || ($0.fact.map(facts.contains) ?? false)
                        }
                        factCache[key] = (role, found)
                        return (role, found)
                    }()
                let entryTypes = types(row[3])
                for indicator in parsed.indicators {
                    studentTotals[indicator, default: []].insert(person)
                    for type in entryTypes { students[indicator, default: [:]][type, default: []].insert(person) }
                }
                if let role = parsed.role, let index = roles.firstIndex(of: role) {
                    let entryID: Int64 = row[4]
                    namedByEntry[entryID, default: Named(types: entryTypes, counted: [row[5], row[6], row[7]])]
                        .named[index] += 1
                }
            }
            // Those recorded individually are counted as themselves above: take them out of the entry's own count.
            for named in namedByEntry.values {
                for (index, role) in roles.enumerated() {
                    let covered = min(named.counted[index], named.named[index])
                    guard covered > 0, let indicator = Indicator.allCases.first(where: { $0.role == role }) else {
                        continue
                    }
                    add(indicator, named.types, -covered)
                    counts[indicator]!.total -= covered
                }
            }
            for (indicator, byType) in students {
                for (type, set) in byType { counts[indicator]!.byType[type, default: 0] += set.count }
            }
            for (indicator, set) in studentTotals { counts[indicator]!.total += set.count }
            for indicator in Indicator.allCases {
                counts[indicator]!.byType = counts[indicator]!.byType.filter { $0.value != 0 }
            }
            return Statistics(period: period, counts: counts, entries: entryCount)
        }
    }
}
