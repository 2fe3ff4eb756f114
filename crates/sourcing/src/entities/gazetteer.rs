//! The gazetteers (outlets, blogs, government bodies, think tanks,
//! organisations, people, places) and the word lists of the recogniser
//! (titles, first names, demonyms, ...), from `data/entities/`, indexed once.

use crate::text::hash::{FastMap, FastSet};
use crate::text::lexicon::word_list;
use crate::EntityKind;
use std::collections::HashSet;
use std::sync::LazyLock;
use std::sync::OnceLock;

pub(crate) static OUTLETS: LazyLock<Vec<&'static str>> = word_list!("entities/outlets.txt");

/// Well-known blogs and personal sites (their entity kind is `NewsOutlet`;
/// [`is_known_blog`] tells them apart for source kinds).
pub(crate) static BLOGS: LazyLock<Vec<&'static str>> = word_list!("entities/blogs.txt");

pub(crate) static GOVERNMENT: LazyLock<Vec<&'static str>> = word_list!("entities/government.txt");

pub(crate) static THINK_TANKS: LazyLock<Vec<&'static str>> = word_list!("entities/think_tanks.txt");

pub(crate) static ORGANISATIONS: LazyLock<Vec<&'static str>> =
    word_list!("entities/organisations.txt");

pub(crate) static PEOPLE: LazyLock<Vec<&'static str>> = word_list!("entities/people.txt");

pub(crate) static PLACES: LazyLock<Vec<&'static str>> = word_list!("entities/places.txt");

/// Capitalised titles and honorifics that make the following name a person.
/// Multi-word titles are matched before single ones.
pub(crate) static TITLES: LazyLock<Vec<&'static str>> = word_list!("entities/titles.txt");

/// Lower-case descriptors that, directly before a capitalised name, make it
/// a person ("former ambassador John Bolton", "analyst, Jane Doe").
pub(crate) static PERSON_DESCRIPTORS: LazyLock<Vec<&'static str>> =
    word_list!("entities/person_descriptors.txt");

pub(crate) static FIRST_NAMES: LazyLock<Vec<&'static str>> = word_list!("entities/first_names.txt");

/// Nationality and group words: not entities on their own.
pub(crate) static DEMONYMS: LazyLock<Vec<&'static str>> = word_list!("entities/demonyms.txt");

pub(crate) static MONTHS_DAYS: LazyLock<Vec<&'static str>> = word_list!("entities/months_days.txt");

/// Words that never start an entity (function words and common
/// sentence-initial words).
pub(crate) static STOP_STARTS: LazyLock<Vec<&'static str>> = word_list!("entities/stop_starts.txt");

pub(crate) static COMPASS: LazyLock<Vec<&'static str>> = word_list!("entities/compass.txt");

/// Name particles allowed between capitalised name parts.
pub(crate) static PARTICLES: LazyLock<Vec<&'static str>> = word_list!("entities/particles.txt");

/// Connectors allowed inside organisation names (after an organisation head).
pub(crate) const ORG_CONNECTORS: &[&str] = &["of", "for", "on", "and", "&", "the", "de"];

/// Words heading an organisation name ("Army of Conquest", "Centre for ...").
pub(crate) static ORG_HEADS: LazyLock<Vec<&'static str>> = word_list!("entities/org_heads.txt");

pub(crate) fn suffix_kind(word: &str) -> Option<(EntityKind, f32)> {
    use EntityKind::*;
    let k = match word {
        "Institute" | "Institution" | "Foundation" | "Endowment" | "Think" => ThinkTank,
        "Times" | "Post" | "News" | "Journal" | "Herald" | "Guardian" | "Tribune" | "Press"
        | "Network" | "Gazette" | "Telegraph" | "Chronicle" | "Daily" | "Magazine" | "Review"
        | "Observer" | "Mail" | "Express" | "Radio" | "TV" | "Television" | "Broadcasting"
        | "Channel" | "Wire" | "Weekly" | "Monitor" | "Standard" | "Examiner" | "Dispatch"
        | "Courier" | "Sentinel" | "Inquirer" | "Bulletin" | "Newsweek" | "Insider" => NewsOutlet,
        "Ministry" | "Department" | "Agency" | "Committee" | "Commission" | "Senate"
        | "Congress" | "Parliament" | "Administration" | "Army" | "Navy" | "Force" | "Forces"
        | "Command" | "Court" | "Bureau" | "Government" | "Cabinet" | "Intelligence" | "Guard"
        | "Corps" | "Marines" | "Police" | "Assembly" | "Embassy" | "Council" => Government,
        "University" | "College" | "School" | "Party" | "Union" | "Association" | "Company"
        | "Corporation" | "Inc" | "Corp" | "Ltd" | "Group" | "Bank" | "Front" | "Brigade"
        | "Brigades" | "Movement" | "Organization" | "Organisation" | "League" | "Society"
        | "Church" | "Club" | "Coalition" | "Alliance" | "Brotherhood" | "Federation"
        | "Centre" | "Center" | "Observatory" | "Fund" | "Initiative" | "Project" | "Press." => {
            Organisation
        }
        _ => return None,
    };
    let score = if k == ThinkTank { 0.7 } else { 0.8 };
    Some((k, score))
}

pub(crate) struct Gazetteer {
    /// First word → entries (text, kind, blog) longest first.
    pub(crate) by_first: FastMap<&'static str, Vec<(&'static str, EntityKind)>>,
    pub(crate) blogs: HashSet<String>,
    pub(crate) surnames: FastSet<&'static str>,
    pub(crate) titles: FastMap<&'static str, Vec<&'static str>>,
}

pub(crate) fn first_word(entry: &str) -> &str {
    let end = entry
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}')
        .map_or(entry.len(), |(i, _)| i);
    &entry[..end]
}

pub(crate) fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let mut by_first: FastMap<&'static str, Vec<(&'static str, EntityKind)>> =
            FastMap::default();
        let lists: [(&[&'static str], EntityKind); 7] = [
            (&OUTLETS[..], EntityKind::NewsOutlet),
            (&BLOGS[..], EntityKind::NewsOutlet),
            (&GOVERNMENT[..], EntityKind::Government),
            (&THINK_TANKS[..], EntityKind::ThinkTank),
            (&ORGANISATIONS[..], EntityKind::Organisation),
            (&PEOPLE[..], EntityKind::Person),
            (&PLACES[..], EntityKind::Place),
        ];
        for (list, kind) in lists {
            for &e in list {
                by_first.entry(first_word(e)).or_default().push((e, kind));
            }
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|(e, _)| std::cmp::Reverse(e.len()));
        }
        let mut titles: FastMap<&'static str, Vec<&'static str>> = FastMap::default();
        for &t in TITLES.iter() {
            titles.entry(first_word(t)).or_default().push(t);
        }
        for v in titles.values_mut() {
            v.sort_by_key(|t| std::cmp::Reverse(t.len()));
        }
        let surnames = PEOPLE.iter().filter_map(|p| p.rsplit(' ').next()).collect();
        Gazetteer {
            by_first,
            blogs: BLOGS.iter().map(|b| normalise_name(b)).collect(),
            surnames,
            titles,
        }
    })
}

/// The word lists above as hash sets, built once (membership is tested for
/// nearly every token).
pub(crate) struct WordSets {
    pub(crate) stop_starts: FastSet<&'static str>,
    pub(crate) months_days: FastSet<&'static str>,
    pub(crate) first_names: FastSet<&'static str>,
    pub(crate) demonyms: FastSet<&'static str>,
    pub(crate) particles: FastSet<&'static str>,
    pub(crate) org_heads: FastSet<&'static str>,
    pub(crate) org_connectors: FastSet<&'static str>,
    pub(crate) compass: FastSet<&'static str>,
    pub(crate) person_descriptors: FastSet<&'static str>,
    pub(crate) titles: FastSet<&'static str>,
}

/// Whether `w` is a name particle ("al", "bin", "van"); all are short, so
/// most words are told apart by their length without hashing.
pub(crate) fn is_particle(w: &str) -> bool {
    w.len() <= 5 && word_sets().particles.contains(w)
}

pub(crate) fn word_sets() -> &'static WordSets {
    static SETS: OnceLock<WordSets> = OnceLock::new();
    SETS.get_or_init(|| {
        let set = |list: &[&'static str]| list.iter().copied().collect();
        WordSets {
            stop_starts: set(&STOP_STARTS[..]),
            months_days: set(&MONTHS_DAYS[..]),
            first_names: set(&FIRST_NAMES[..]),
            demonyms: set(&DEMONYMS[..]),
            particles: set(&PARTICLES[..]),
            org_heads: set(&ORG_HEADS[..]),
            org_connectors: set(ORG_CONNECTORS),
            compass: set(&COMPASS[..]),
            person_descriptors: set(&PERSON_DESCRIPTORS[..]),
            titles: set(&TITLES[..]),
        }
    })
}

/// Lower-cases `name`, drops a leading "the " and a possessive, and folds
/// curly apostrophes: the key names are compared by.
pub(crate) fn normalise_name(name: &str) -> String {
    let mut s = name.trim().replace('\u{2019}', "'").to_lowercase();
    if let Some(rest) = s.strip_prefix("the ") {
        s = rest.to_string();
    }
    if let Some(rest) = s.strip_suffix("'s") {
        s = rest.to_string();
    }
    s.trim().to_string()
}

/// True when `name` is a well-known blog or personal site in the gazetteer.
pub fn is_known_blog(name: &str) -> bool {
    gazetteer().blogs.contains(&normalise_name(name))
}

/// The gazetteer kind of `name` (exact entry, optionally after a leading
/// "the"), if it is listed.
pub fn gazetteer_kind(name: &str) -> Option<EntityKind> {
    let name = name.trim();
    let g = gazetteer();
    let lookup = |n: &str| {
        g.by_first
            .get(first_word(n))
            .and_then(|v| v.iter().find(|(e, _)| *e == n).map(|(_, k)| *k))
    };
    lookup(name).or_else(|| {
        name.strip_prefix("the ")
            .or_else(|| name.strip_prefix("The "))
            .and_then(lookup)
    })
}

/// True when `word` is a capitalised title or honorific ("Colonel", "Mr.").
pub(crate) fn is_title_word(word: &str) -> bool {
    let g = gazetteer();
    g.titles.contains_key(word.trim_end_matches('.'))
        || g.titles.contains_key(word)
        || word_sets().titles.contains(word)
}

/// True when `word` (lower-case) describes a person ("analyst", "ambassador").
pub(crate) fn is_person_descriptor(word: &str) -> bool {
    let descriptors = &word_sets().person_descriptors;
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        descriptors.contains(word)
    } else {
        descriptors.contains(word.to_lowercase().as_str())
    }
}
