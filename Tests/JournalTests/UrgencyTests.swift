import Foundation
import ReportFormat
import TestSupport
import Testing

@testable import Journal
@testable import SafeguardingRules

/// A sentence as a child or a parent might write it, and the reason it should (or should not) raise.
struct Phrase: Sendable, CustomTestStringConvertible {
    let language: Language
    let text: String
    let reason: UrgencyReason

    init(_ language: Language, _ text: String, _ reason: UrgencyReason) {
        self.language = language
        self.text = text
        self.reason = reason
    }

    var testDescription: String { "\(language.rawValue) \(reason.rawValue): \(text)" }
}

/// Inflected and everyday phrasings that must be found. Those marked "added" failed before the word
/// lists were extended.
let urgentPhrases: [Phrase] = [
    // Kazakh
    Phrase(.kk, "Мен өзімді өлтіргім келеді", .wordsSuicide),
    Phrase(.kk, "Ол өзін-өзі өлтірмекші болды", .wordsSuicide),
    Phrase(.kk, "Кейде өлгім келеді", .wordsSuicide),
    Phrase(.kk, "Мен өзімді-өзім өлтіремін деп жазды", .wordsSuicide),  // added
    Phrase(.kk, "Досым өз-өзіне қол жұмсамақшы", .wordsSuicide),  // added
    Phrase(.kk, "Ол өлгісі келетінін айтты", .wordsSuicide),  // added
    Phrase(.kk, "Ол өзіне зиян келтіреді", .wordsSelfHarm),
    Phrase(.kk, "Мен қолымды кесіп жүрмін", .wordsSelfHarm),
    Phrase(.kk, "Өзімді жаралаймын", .wordsSelfHarm),
    Phrase(.kk, "Ол мені пышақпен қорқытты", .wordsWeapons),
    Phrase(.kk, "Ағасының мылтығы бар, әкелемін деді", .wordsWeapons),  // added: қ → ғ
    Phrase(.kk, "Сөмкесінде пышағы бар", .wordsWeapons),  // added: қ → ғ
    Phrase(.kk, "Қару алып келді", .wordsWeapons),
    Phrase(.kk, "Ол мені зорлады", .wordsSexualAbuse),
    Phrase(.kk, "Жалаңаш суретімді сұрайды", .wordsSexualAbuse),
    Phrase(.kk, "Мені зорлаған адам мектепте жұмыс істейді", .wordsSexualAbuse),  // added
    Phrase(.kk, "Ол қызды зорлайды", .wordsSexualAbuse),  // added
    // Russian
    Phrase(.ru, "Он сказал, что хочет покончить с собой", .wordsSuicide),
    Phrase(.ru, "Я думаю о самоубийстве", .wordsSuicide),
    Phrase(.ru, "Хочу повеситься", .wordsSuicide),
    Phrase(.ru, "Я не хочу больше жить", .wordsSuicide),  // added
    Phrase(.ru, "Подруга не хочет жить", .wordsSuicide),  // added
    Phrase(.ru, "Ему хочется умереть", .wordsSuicide),  // added
    Phrase(.ru, "Сказала, что покончит с собой", .wordsSuicide),  // added
    Phrase(.ru, "У неё порезы на руках", .wordsSelfHarm),
    Phrase(.ru, "Я порезала себе руку", .wordsSelfHarm),
    Phrase(.ru, "Моя подруга режет себя", .wordsSelfHarm),  // added
    Phrase(.ru, "Он хотел вскрыть вены", .wordsSelfHarm),  // added
    Phrase(.ru, "Он пришёл с ножом", .wordsWeapons),
    Phrase(.ru, "У него дома есть пистолет", .wordsWeapons),
    Phrase(.ru, "Грозился застрелить учителя", .wordsWeapons),
    Phrase(.ru, "Хочет взорвать школу", .wordsWeapons),
    Phrase(.ru, "Он угрожал мне ножиком", .wordsWeapons),  // added
    Phrase(.ru, "Сказал, что зарежет его после уроков", .wordsWeapons),  // added
    Phrase(.ru, "Он меня изнасиловал", .wordsSexualAbuse),
    Phrase(.ru, "Тренер домогается до девочек", .wordsSexualAbuse),  // added
    Phrase(.ru, "Он трогал меня", .wordsSexualAbuse),
    Phrase(.ru, "Просит прислать голые фото", .wordsSexualAbuse),
    Phrase(.ru, "Просил скинуть нюдсы", .wordsSexualAbuse),  // added
    Phrase(.ru, "Он лапал её в раздевалке", .wordsSexualAbuse),  // added
    // English
    Phrase(.en, "I want to kill myself", .wordsSuicide),
    Phrase(.en, "She keeps talking about suicide", .wordsSuicide),
    Phrase(.en, "I don't want to live anymore", .wordsSuicide),
    Phrase(.en, "She says she will kill herself", .wordsSuicide),  // added
    Phrase(.en, "he wants to unalive himself", .wordsSuicide),  // added
    Phrase(.en, "i just wanna kms", .wordsSuicide),  // added
    Phrase(.en, "I cut myself last night", .wordsSelfHarm),
    Phrase(.en, "She is self-harming again", .wordsSelfHarm),
    Phrase(.en, "My friend cuts herself", .wordsSelfHarm),  // added
    Phrase(.en, "He has a knife in his bag", .wordsWeapons),
    Phrase(.en, "He said he would bring a gun", .wordsWeapons),
    Phrase(.en, "He threatened to shoot us", .wordsWeapons),
    Phrase(.en, "He said he'd stab me", .wordsWeapons),  // added
    Phrase(.en, "She was raped", .wordsSexualAbuse),
    Phrase(.en, "The coach touched me", .wordsSexualAbuse),
    Phrase(.en, "He keeps asking for nudes", .wordsSexualAbuse),
]

/// Ordinary sentences with words that look like list entries but are not: they must raise nothing.
let ordinaryPhrases: [Phrase] = [
    Phrase(.ru, "Возьми ножницы на урок труда", .wordsWeapons),
    Phrase(.ru, "Он режет бумагу ножницами", .wordsSelfHarm),
    Phrase(.ru, "Он забрал мою приставку", .wordsSexualAbuse),
    Phrase(.ru, "Я хочу зарезервировать зал", .wordsWeapons),
    Phrase(.ru, "Мы записались в секцию бокса", .wordsSexualAbuse),
    Phrase(.kk, "Сыныпта зорлық-зомбылық болды", .wordsSexualAbuse),
    Phrase(.kk, "Ол менің қарындашымды алып қойды", .wordsWeapons),
    Phrase(.kk, "Балалар жалаң аяқ жүгірді", .wordsSexualAbuse),
    Phrase(.en, "We grow rapeseed on the farm", .wordsSexualAbuse),
    Phrase(.en, "The therapist said the grape harvest had begun", .wordsSexualAbuse),
    Phrase(.en, "The table is not stable, pass me the scissors", .wordsWeapons),
    Phrase(.en, "The gunnery museum trip was fun", .wordsWeapons),
]

/// Listed words disguised by characters that look like nothing or like something else (issue 13 §5).
let disguisedPhrases: [Phrase] = [
    // Invisible characters inside a word.
    Phrase(.ru, "Я хочу по\u{00AD}кончить с со\u{00AD}бой", .wordsSuicide),
    Phrase(.ru, "у него н\u{200B}ож в рюкзаке", .wordsWeapons),
    Phrase(.kk, "Менде пы\u{200D}шақ бар", .wordsWeapons),
    Phrase(.kk, "өзімді өл\u{2060}тіремін", .wordsSuicide),
    Phrase(.en, "I want to k\u{200C}ill myself", .wordsSuicide),
    Phrase(.en, "he has a kni\u{FE0F}fe", .wordsWeapons),
    // Fullwidth and other compatibility forms.
    Phrase(.en, "ｋｉｌｌ ｍｙｓｅｌｆ", .wordsSuicide),
    Phrase(.en, "he has a ｇｕｎ", .wordsWeapons),
    // Combining accents that compose with no letter, and a letter decomposed.
    Phrase(.ru, "хочу поко́нчить с собо́й", .wordsSuicide),
    Phrase(.ru, "он сказал что убью\u{0301} себя", .wordsSuicide),
    Phrase(.kk, "қолымды ке\u{0301}семін", .wordsSelfHarm),
    Phrase(.en, "she cuts herse\u{0301}lf", .wordsSelfHarm),
    // Look-alikes from the other script.
    Phrase(.ru, "у него нoж", .wordsWeapons),
    Phrase(.kk, "пышaқпен қорқытты", .wordsWeapons),
    Phrase(.en, "he has a knіfe", .wordsWeapons),
    Phrase(.en, "I will kіll myself", .wordsSuicide),
]

@Suite struct UrgencyWordTests {
    @Test(arguments: urgentPhrases)
    func anUrgentPhraseIsFound(_ phrase: Phrase) {
        #expect(UrgencyDetector.shared.reasons(in: phrase.text).contains(phrase.reason))
    }

    @Test(arguments: ordinaryPhrases)
    func anOrdinaryPhraseRaisesNothing(_ phrase: Phrase) {
        #expect(UrgencyDetector.shared.reasons(in: phrase.text) == [])
    }

    @Test(arguments: disguisedPhrases)
    func aDisguisedPhraseIsFound(_ phrase: Phrase) {
        #expect(
            UrgencyDetector.shared.reasons(in: phrase.text).contains(phrase.reason),
            "\(phrase.text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func foldingKeepsKazakhAndRussianLettersApart() {
        typealias Scalars = UrgencyDetector.Scalars
        // й composed or decomposed is one letter; и and й, е and ё-less forms, і and и stay as they are.
        #expect(Scalars("и\u{0306}").scalars == [0x439])
        #expect(Scalars("й").scalars == [0x439])
        #expect(Scalars("й\u{200B}").scalars == [0x439], "the slow path too")
        #expect(Scalars("ё").scalars == Scalars("е").scalars)
        #expect(Scalars("öltir").scalars == Scalars("oltir").scalars)
        #expect(Scalars("o\u{0308}ltir\u{200B}").scalars == Scalars("öltir").scalars)
        #expect(
            Scalars("ә ғ қ ң ө ұ ү һ і").scalars == [0x4D9, 0x493, 0x49B, 0x4A3, 0x4E9, 0x4B1, 0x4AF, 0x4BB, 0x456])
        #expect(Scalars("мой").scalars != Scalars("мои").scalars)
        // A Latin word keeps its letters; only a word of two scripts is folded.
        #expect(Scalars("hop").scalars == [0x68, 0x6F, 0x70])
        #expect(Scalars("нoж").scalars == Scalars("нож").scalars)
        #expect(Scalars("по\u{00AD}кон\u{200B}чить").words.count == 1)
    }

    @Test func casingAndYoAreIgnored() {
        #expect(UrgencyDetector.shared.reasons(in: "У НЕГО РУЖЬЁ") == [.wordsWeapons])
        #expect(UrgencyDetector.shared.reasons(in: "ПЫШАҚПЕН") == [.wordsWeapons])
        #expect(UrgencyDetector.shared.reasons(in: "KILL MYSELF") == [.wordsSuicide])
    }

    @Test func oneTextCanRaiseSeveralReasons() {
        #expect(
            UrgencyDetector.shared.reasons(in: "Он угрожал ножом и сказал, что изнасилует")
                == [.wordsWeapons, .wordsSexualAbuse])
    }

    @Test func theTestExamplesCoverEveryCategoryInEveryLanguageTwice() {
        for language in Language.allCases {
            for reason in [UrgencyReason.wordsSuicide, .wordsSelfHarm, .wordsWeapons, .wordsSexualAbuse] {
                let count = urgentPhrases.filter { $0.language == language && $0.reason == reason }.count
                #expect(count >= 2, "\(language) \(reason)")
            }
        }
    }
}

@Suite struct UrgencyRuleTests {
    @Test func aStemMatchesAnyEndingAndAnExactWordOnlyItself() {
        let detector = UrgencyDetector(lists: ["[weapons]\nпистолет\nнож$"])
        #expect(detector.reasons(in: "пистолетом") == [.wordsWeapons])
        #expect(detector.reasons(in: "нож") == [.wordsWeapons])
        #expect(detector.reasons(in: "ножницы") == [])
    }

    @Test func aPhraseMatchesOnlyItsWordsInOrderAndNextToEachOther() {
        let detector = UrgencyDetector(lists: ["[suicide]\nkill myself"])
        #expect(detector.reasons(in: "I will kill, myself.") == [.wordsSuicide])
        #expect(detector.reasons(in: "myself kill") == [])
        #expect(detector.reasons(in: "kill the spider myself") == [])
        #expect(detector.reasons(in: "skill myself") == [])
    }

    @Test func commentsUnknownSectionsAndLinesBeforeASectionAreIgnored() {
        let detector = UrgencyDetector(
            lists: ["orphan\n# knife\n[weapons]\n  knife  \n[jokes]\nbanana\n[self-harm]\n# cut\nburn myself"])
        #expect(detector.reasons(in: "orphan banana cut") == [])
        #expect(detector.reasons(in: "a knife") == [.wordsWeapons])
        #expect(detector.reasons(in: "I burn myself") == [.wordsSelfHarm])
    }
}

@Suite struct FormAnswerUrgencyTests {
    @Test func dangerNowSelfHarmAndSexualAnswersRaiseTheirReasons() {
        let detector = UrgencyDetector.shared
        #expect(detector.reasons(for: sampleReport("Помогите", inDanger: true)) == [.dangerNow])
        #expect(detector.reasons(for: sampleReport("Помогите", what: [.selfHarm])) == [.selfHarm])
        #expect(detector.reasons(for: sampleReport("Помогите", what: [.sexual])) == [.sexualViolence])
        #expect(detector.reasons(for: sampleReport("Помогите", what: [.bullying, .physical])) == [])
    }

    @Test func reasonsComeInGravityOrder() {
        let reasons = UrgencyDetector.shared.reasons(
            for: sampleReport("У него нож", what: [.sexual, .selfHarm], inDanger: true))
        #expect(reasons == [.dangerNow, .selfHarm, .sexualViolence, .wordsWeapons])
    }

    @Test func theNamesFieldIsReadToo() {
        let reasons = UrgencyDetector.shared.reasons(
            for: sampleReport("Обижают на перемене", names: "Тимур, у которого пистолет"))
        #expect(reasons == [.wordsWeapons])
    }
}

@Suite struct UrgencyListFileTests {
    static let folder = Repository.root.appendingPathComponent("Sources/SafeguardingRules/Resources/urgency")
    static let sections: Set<String> = ["suicide", "self-harm", "weapons", "sexual-abuse"]

    /// The entries of a list file by section, comments and blank lines left out.
    static func entries(_ language: Language) throws -> [String: [String]] {
        let text = try String(
            contentsOf: folder.appendingPathComponent("\(language.rawValue).txt"), encoding: .utf8)
        var entries: [String: [String]] = [:]
        var section: String?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = String(line.dropFirst().dropLast())
                section = name
                if entries[name] == nil { entries[name] = [] }
            } else {
                entries[section ?? "(before any section)", default: []].append(line)
            }
        }
        return entries
    }

    @Test(arguments: Language.allCases)
    func eachListHasTheFourSectionsAndEachSectionHasEntries(_ language: Language) throws {
        let entries = try Self.entries(language)
        #expect(Set(entries.keys) == Self.sections)
        for section in Self.sections {
            #expect(!(entries[section] ?? []).isEmpty, "\(language) [\(section)] is empty")
            // The detector knows a section only through this reason; an unknown heading is skipped silently.
            #expect(UrgencyReason(rawValue: "words-\(section)") != nil)
        }
    }

    @Test(arguments: Language.allCases)
    func everyEntryFindsItselfUnderItsOwnSection(_ language: Language) throws {
        for (section, lines) in try Self.entries(language) {
            let reason = try #require(UrgencyReason(rawValue: "words-\(section)"))
            for line in lines {
                let text = line.replacingOccurrences(of: "$", with: "")
                #expect(UrgencyDetector.shared.reasons(in: text).contains(reason), "\(language) [\(section)] \(line)")
            }
        }
    }

    @Test(arguments: [Language.kk, .ru])
    func cyrillicListsHoldNoLatinLetters(_ language: Language) throws {
        // A Latin "c" or "o" typed into a Cyrillic word makes the entry silently match nothing.
        for (section, lines) in try Self.entries(language) {
            for line in lines {
                #expect(
                    !line.unicodeScalars.contains { $0.isASCII && $0.properties.isAlphabetic }, "[\(section)] \(line)")
            }
        }
    }

    @Test(arguments: Language.allCases)
    func noEntryIsListedTwice(_ language: Language) throws {
        let lines = try Self.entries(language).values.flatMap { $0 }
        #expect(Set(lines).count == lines.count)
    }
}
