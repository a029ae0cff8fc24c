import ArgumentParser
import Foundation
import Journal
import ReportFormat

/// Asks the lead for each registration field, with the report's answers as defaults.
struct RegistrationDialogue {
    let prompter: Prompter
    let p: Presentation

    func run(_ r: inout Registration, askChannel: Bool) {
        let m = prompter.m
        if askChannel {
            r.channel =
                prompter.choose(m("ask.channel"), Channel.self, prefix: "channel", default: r.channel, presentation: p)
                ?? r.channel
            r.reporterRole =
                prompter.choose(
                    m("ask.reporter"), EntryReporterRole.self, prefix: "reporter", default: r.reporterRole,
                    presentation: p) ?? r.reporterRole
        }
        r.types = prompter.chooseMany(
            m("ask.types"), CrueltyType.self, prefix: "type", default: r.types, presentation: p)
        r.place =
            prompter.choose(
                m("ask.place"), Place.self, prefix: "place", default: r.place.flatMap(Place.init(rawValue:)),
                presentation: p)?.rawValue
        r.victims = prompter.count(m("ask.victims"), default: r.victims)
        r.aggressors = prompter.count(m("ask.aggressors"), default: r.aggressors)
        r.witnesses = prompter.count(m("ask.witnesses"), default: r.witnesses)
        r.aggressorKind =
            prompter.choose(
                m("ask.aggressor_kind"), AggressorKind.self, prefix: "aggressor", default: r.aggressorKind,
                presentation: p) ?? r.aggressorKind
        r.classOrGrade = prompter.text(m("ask.class"), default: r.classOrGrade)
        r.summary = prompter.text(m("ask.summary"), default: r.summary)
    }
}
