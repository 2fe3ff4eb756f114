//! Speaker resolution (pronouns to the last named person, "it" / "the
//! newspaper" to the last organisation, "a senior official" as anonymous)
//! and the kind of each attribution (direct, indirect, mixed, block).

use crate::entities::{is_person_descriptor, is_title_word};
use crate::quotes::context::base_word;
use crate::quotes::context::Ctx;
use crate::quotes::lookup::Lookup;
use crate::quotes::words::word_sets;
use crate::quotes::words::PRONOUNS_GROUP;
use crate::quotes::words::PRONOUNS_PERSON;
use crate::text::ranges::ceil_boundary;
use crate::text::ranges::floor_boundary;
use crate::text::ranges::overlaps;
use crate::text::ranges::within;
use crate::{Attribution, ByteRange, EntityKind, QuoteKind, SourceKind};

// --- Resolution and reconciliation ----------------------------------------

/// Resolves the speaker written at `source` to (name, kind).
pub(super) fn resolve(
    text: &str,
    lookup: &Lookup,
    source: &ByteRange,
) -> (Option<String>, Option<SourceKind>) {
    let written = text[source.clone()].trim();
    // An entity inside the source.
    if let Some(e) = lookup
        .entities_touching(source)
        .iter()
        .filter(|e| within(&e.range, source) || within(source, &e.range))
        .max_by_key(|e| e.range.len())
    {
        let name = text[e.range.clone()].to_string();
        if e.kind == EntityKind::Place && e.range.len() * 2 < source.len() {
            // "officials in Moscow"
        } else {
            let k = crate::source_kind_of_entity(e.kind, &name);
            return (Some(name), Some(k));
        }
    }
    let lower = written.to_lowercase();
    let lower = base_word(&lower).to_string();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if words.len() == 1 && PRONOUNS_PERSON.contains(&words[0]) {
        let e = lookup.last_entity_before(source.start, |e| e.kind == EntityKind::Person);
        return (
            e.map(|e| text[e.range.clone()].to_string()),
            Some(SourceKind::Person),
        );
    }
    if words.len() == 1 && PRONOUNS_GROUP.contains(&words[0]) {
        let e = lookup
            .last_entity_before(source.start, |e| {
                matches!(
                    e.kind,
                    EntityKind::NewsOutlet
                        | EntityKind::Government
                        | EntityKind::ThinkTank
                        | EntityKind::Organisation
                ) && e.score >= 0.5
            })
            .filter(|e| source.start - e.range.end < 400);
        return match e {
            Some(e) => {
                let name = text[e.range.clone()].to_string();
                let k = crate::source_kind_of_entity(e.kind, &name);
                (Some(name), Some(k))
            }
            None => (None, Some(SourceKind::Unknown)),
        };
    }
    let head = words.last().copied().unwrap_or("");
    let definite = words
        .first()
        .is_some_and(|w| matches!(*w, "the" | "this" | "that"));
    if definite
        && matches!(
            head,
            "newspaper" | "paper" | "outlet" | "network" | "broadcaster"
        )
    {
        let e = lookup.last_entity_before(source.start, |e| e.kind == EntityKind::NewsOutlet);
        return (
            e.map(|e| text[e.range.clone()].to_string()),
            Some(SourceKind::NewsOutlet),
        );
    }
    if definite && (is_person_descriptor(head) || is_title_word(&capitalise(head))) {
        let e = lookup
            .last_entity_before(source.start, |e| {
                e.kind == EntityKind::Person && text[e.range.clone()].to_lowercase().contains(head)
            })
            .or_else(|| lookup.last_entity_before(source.start, |e| e.kind == EntityKind::Person));
        return (
            e.map(|e| text[e.range.clone()].to_string()),
            Some(SourceKind::Person),
        );
    }
    if definite
        && matches!(
            head,
            "ministry"
                | "agency"
                | "government"
                | "administration"
                | "military"
                | "army"
                | "pentagon"
        )
    {
        return (Some(written.to_string()), Some(SourceKind::Government));
    }
    if definite && matches!(head, "report" | "study" | "statement") {
        return (Some(written.to_string()), Some(SourceKind::Document));
    }
    if word_sets().speaker_nouns.contains(&head) {
        return (Some(written.to_string()), Some(SourceKind::Anonymous));
    }
    // A capitalised name the recogniser missed.
    if written.chars().next().is_some_and(char::is_uppercase) {
        return (Some(written.to_string()), Some(SourceKind::Unknown));
    }
    (None, None)
}

pub(super) fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(super) fn finish(ctx: &Ctx, a: &mut Attribution) {
    finish_with(ctx.text, &ctx.lookup, a);
}

pub(super) fn finish_with(text: &str, lookup: &Lookup, a: &mut Attribution) {
    if a.kind != QuoteKind::Block {
        a.kind = quote_kind(lookup, &a.content, a.kind);
    }
    if a.speaker.is_none() || a.speaker_kind.is_none() {
        if let Some(s) = a.source.clone() {
            let (name, kind) = resolve(text, lookup, &s);
            if a.speaker.is_none() {
                a.speaker = name;
            }
            if a.speaker_kind.is_none() {
                a.speaker_kind = kind;
            }
        }
    }
    if a.medium.is_none() {
        // "X told the BBC", "in an interview with CNN": an outlet in the
        // attribution's sentence other than the speaker.
        let lo = a.cue.as_ref().map_or(a.content.start, |c| c.start);
        let window = floor_boundary(text, lo.saturating_sub(0))..ceil_boundary(text, lo + 80);
        let outlet = lookup
            .entities()
            .starting_in(window.start, window.end)
            .iter()
            .find(|e| {
                e.kind == EntityKind::NewsOutlet
                    && within(&e.range, &window)
                    && !a.source.as_ref().is_some_and(|s| overlaps(s, &e.range))
                    && !overlaps(&e.range, &a.content)
            });
        if let Some(e) = outlet {
            let pre = text[floor_boundary(text, e.range.start.saturating_sub(25))..e.range.start]
                .to_lowercase();
            if pre.contains("told")
                || pre.contains(" in ")
                || pre.contains("with")
                || pre.contains(" to ")
            {
                a.medium = Some(text[e.range.clone()].to_string());
            }
        }
    }
}

/// Direct when the content lies inside quotation marks, mixed when partly,
/// otherwise `default`.
pub(super) fn quote_kind(lookup: &Lookup, content: &ByteRange, default: QuoteKind) -> QuoteKind {
    let inside = |at: usize| {
        lookup
            .speech_touching(at, at)
            .iter()
            .any(|p| at >= p.inner.start && at <= p.inner.end)
    };
    let mut covered = 0usize;
    for p in lookup.speech_touching(content.start, content.end) {
        let o = &p.outer;
        covered += o
            .end
            .min(content.end)
            .saturating_sub(o.start.max(content.start));
    }
    if content.is_empty() || covered == 0 {
        return if default == QuoteKind::Direct {
            QuoteKind::Indirect
        } else {
            default
        };
    }
    let start_in = inside(content.start);
    let end_in = inside(content.end) || inside(content.end.saturating_sub(1));
    if start_in && end_in && covered * 10 >= content.len() * 6 {
        QuoteKind::Direct
    } else {
        QuoteKind::Mixed
    }
}
