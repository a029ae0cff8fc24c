import Foundation
import ReportFormat
import SafetyKeys
import TestSupport
import Testing

@testable import Journal
@testable import SafeguardingRules

/// Kazakh in the Latin alphabet (the 2021 alphabet and the informal spellings), Russian typed in Latin letters as
/// teenagers type it, and slang (issue 16): each failed before the lists were extended.
let latinAndSlangPhrases: [Phrase] = [
    // Kazakh, Latin alphabet of 2021
    Phrase(.kk, "Men özimdi öltirgim keledi", .wordsSuicide),
    Phrase(.kk, "Keide ölgim keledi, eşkim tüsinbeidi", .wordsSuicide),
    Phrase(.kk, "Ol özine qol jūmsamaqşı", .wordsSuicide),
    Phrase(.kk, "Men qolımdı kesip jürmin", .wordsSelfHarm),
    Phrase(.kk, "Onyñ sömkesinde pışaq bar", .wordsWeapons),
    Phrase(.kk, "Ağasınıñ mıltığı bar dedi", .wordsWeapons),
    Phrase(.kk, "Ol meni zorladı", .wordsSexualAbuse),
    Phrase(.kk, "Jalañaş suretimdi sūraidy", .wordsSexualAbuse),
    // Kazakh, informal Latin (no diacritics, sh/zh)
    Phrase(.kk, "men ozimdi oltiremin", .wordsSuicide),
    Phrase(.kk, "omir surgim kelmeidi", .wordsSuicide),
    Phrase(.kk, "kolymdy kesip zhurmin", .wordsSelfHarm),
    Phrase(.kk, "onda pyshak bar", .wordsWeapons),
    Phrase(.kk, "ol meni sheshindirip suretke tusirdi", .wordsSexualAbuse),
    // Russian in Latin letters
    Phrase(.ru, "ya hochu pokonchit s soboi", .wordsSuicide),
    Phrase(.ru, "ne hochu zhit bolshe", .wordsSuicide),
    Phrase(.ru, "ona skazala chto ubyu sebya", .wordsSuicide),
    Phrase(.ru, "ya rezhu sebya kazhdyi vecher", .wordsSelfHarm),
    Phrase(.ru, "u nego nozh v rukzake", .wordsWeapons),
    Phrase(.ru, "skazal chto zastrelit uchitelya", .wordsWeapons),
    Phrase(.ru, "trener domogaetsya do devochek", .wordsSexualAbuse),
    Phrase(.ru, "on menya iznasiloval", .wordsSexualAbuse),
    // Slang
    Phrase(.ru, "хочу выпилиться", .wordsSuicide),
    Phrase(.ru, "он сказал что выпилится после уроков", .wordsSuicide),
    Phrase(.ru, "ya vypilyus", .wordsSuicide),
    Phrase(.ru, "хочу сдохнуть", .wordsSuicide),
    Phrase(.en, "kys, nobody wants you here", .wordsSuicide),
    Phrase(.en, "I just want to end it all", .wordsSuicide),
]

/// Ordinary reports, the kind a school's queue is full of: bullying, fights, lost things, a teacher's remark, in
/// every script the urgent ones are written in. None may be flagged: each would push a real emergency down.
let ordinaryReports: [String] = [
    // Kazakh, Cyrillic
    "Сыныптастарым мені күнде мазақтайды, телефонымды тартып алады.",
    "Үзілісте үлкен балалар кезекте итеріп жібереді.",
    "Чатта менің суретімді күлкілі етіп таратты.",
    "Мұғалім бәріміздің алдымызда ұрысты.",
    "Асханада тамақ жетпейді, кейбір балалар аш қалады.",
    "Дене шынықтыру сабағында доппен қатты ұрды, көгеріп қалды.",
    "Менің қаламымды сындырды, сөмкемді лақтырды.",
    "Мектептен келе жатқанда жолда бір топ бала күтіп тұрады.",
    "Досым сабаққа келмей жүр, оған не болғанын білмеймін.",
    "Ол менің ата-анамды қорлап сөйлейді.",
    // Kazakh, Latin
    "Synyptastarym meni kunde mazaqtaidy, telefonymdy tartyp alady.",
    "Üzilisté ülken balalar kezekte iterip jiberedi.",
    "Chatta menin suretimdi kulkili etip taratty.",
    "Mūğalım bärımızdıñ aldymyzda ūrysty.",
    "Meniñ qalamymdy syndyrdy, sömkemdi laqtyrdy.",
    "Dene shynyqtyru sabagynda doppen qatty urdy.",
    "Mektepten kele jatqanda jolda bir top bala kutip turady.",
    "Qyzdar meni oiynga qospaidy, sybyrlasyp kuledi.",
    // Russian
    "Меня каждый день дразнят одноклассники и прячут портфель.",
    "На перемене толкнули с лестницы, я ушиб колено.",
    "В чате класса пишут про меня гадости и смеются.",
    "Учитель физкультуры кричит на нас и обзывает.",
    "Старшеклассники отбирают деньги у младших у столовой.",
    "Мою подругу перестали звать на дни рождения.",
    "Он выпил мой сок и разлил воду на тетрадь.",
    "Мама просит поговорить с классным руководителем.",
    "На уроке труда мы резали бумагу ножницами.",
    "После уроков меня ждут у ворот и обзываются.",
    // Russian in Latin letters
    "menya draznyat v klasse i pryachut rukzak",
    "v chate klassa pishut pro menya gadosti",
    "na peremene tolknuli, ya upal i ushib koleno",
    "starsheklassniki otbirayut dengi u mladshih",
    "uchitel krichit na nas i obzyvaet",
    "ya hochu pomenyat klass, mne tam ploho",
    "on vypil moi sok i smeyalsya",
    "nas zastavlyayut ubirat klass posle urokov",
    // English
    "The older kids keep taking my lunch money.",
    "Someone posted an edited photo of me in the class chat.",
    "My son says the boys push him in the corridor every day.",
    "She was left out of the group project again.",
    "A pupil in 4B comes to school hungry every morning.",
    "They laugh at my accent and call me names.",
    "The knitting club was cancelled and she cried.",
    "He cut in line at the canteen and shoved me.",
    "I want to move to another class, please help.",
    "My daughter is afraid of the bus stop after dark.",
]

@Suite struct LatinScriptsAndSlang {
    @Test(arguments: latinAndSlangPhrases)
    func aLatinOrSlangPhraseIsFound(_ phrase: Phrase) {
        #expect(UrgencyDetector.shared.reasons(in: phrase.text).contains(phrase.reason))
    }

    /// The false-positive measurement of docs/lead.md: every ordinary report stays ordinary.
    @Test func noOrdinaryReportIsFlagged() {
        let flagged = ordinaryReports.filter { !UrgencyDetector.shared.reasons(in: $0).isEmpty }
        #expect(flagged.isEmpty, "flagged: \(flagged)")
        #expect(ordinaryReports.count >= 40)
        print("urgency false positives: \(flagged.count) of \(ordinaryReports.count) ordinary reports")
    }
}

/// A school adds its own words in `urgency.txt` beside the journal (issue 16): the reports collected afterwards are
/// read with them too, and the file is optional.
@Suite struct ASchoolsOwnWords {
    @Test func aWordInTheJournalsOwnListFlagsTheReportsCollectedAfterIt() throws {
        let fixture = try JournalFixture()
        let before = try #require(try fixture.collect([sampleReport("У него рогатка в портфеле")]).first)
        #expect(before.urgency.isEmpty, "not in Senim's lists")
        try "# Words of our school\n[weapons]\nрогатк\n".write(
            to: fixture.directory.appendingPathComponent("urgency.txt"), atomically: true, encoding: .utf8)
        let after = try #require(try fixture.collect([sampleReport("Он принёс рогатку и стреляет")]).first)
        #expect(after.urgency.contains(.wordsWeapons))
        // Senim's own lists still apply.
        let knife = try #require(try fixture.collect([sampleReport("у него нож")]).first)
        #expect(knife.urgency.contains(.wordsWeapons))
    }

    @Test func aListSavedInAnotherEncodingIsAPlainErrorAndCollectsNothing() throws {
        let fixture = try JournalFixture()
        let own = fixture.directory.appendingPathComponent("urgency.txt")
        // "[weapons]\nрогатк" as Windows-1251 saves it: not UTF-8.
        try Data("[weapons]\n".utf8 + [0xF0, 0xEE, 0xE3, 0xE0, 0xF2, 0xEA, 0x0A]).write(to: own)
        #expect(throws: JournalError.urgencyFile(path: own.path)) {
            try fixture.collect([sampleReport("Он принёс рогатку")])
        }
        #expect(try fixture.session.inbox(now: fixedNow).isEmpty, "nothing was collected past the unreadable list")
    }

    @Test func theSchoolsOwnWordsTravelWithTheBackup() async throws {
        let fixture = try JournalFixture()
        let words = "# Words of our school\n[weapons]\nрогатк\n"
        try words.write(to: fixture.directory.appendingPathComponent("urgency.txt"), atomically: true, encoding: .utf8)
        let backup = fixture.folder.path("journal.senim-backup")
        let passphrase = Passphrase("TEST ONLY backup passphrase")
        _ = try fixture.session.backup(to: backup, passphrase: passphrase, kdf: .testOnlyInteractive, now: fixedNow)
        let place = try TemporaryDirectory()
        let folder = place.url.appendingPathComponent("restored")
        let restored = try Journal.restore(from: backup, to: folder, passphrase: passphrase)
        #expect(restored.header.urgency == words)
        #expect(try String(contentsOf: folder.appendingPathComponent("urgency.txt"), encoding: .utf8) == words)
        #expect(try restored.journal.urgencyDetector().reasons(in: "у него рогатка").contains(.wordsWeapons))
    }
}
