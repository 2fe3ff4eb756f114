//! A rule-based named-entity recogniser: people, news outlets, government
//! bodies, think tanks, other organisations and places.
//!
//! # What was chosen, and why
//!
//! No NER model or annotated NER data is available offline (a CRF or
//! transformer tagger would need CoNLL-style training data that unspin does
//! not ship), so entities are found by rules over [`unspin_segment::tokenize`]
//! tokens, with small hand-written gazetteers:
//!
//! 1. **Gazetteers** (score 0.95): well-known news outlets and blogs,
//!    government bodies, think tanks, other organisations, well-known people
//!    and places (countries, capitals, major cities and regions). The longest
//!    entry wins; an entry such as "The Guardian" keeps its capitalised "The".
//! 2. **Titles** (0.9): a capitalised title or honorific ("Colonel", "Col.",
//!    "President", "Mr.", "Secretary of State") directly before a name makes
//!    the name a person, and the title is **included** in the span
//!    ("Colonel W. Patrick Lang", "Mr. Assad") because it is how the text
//!    names that person; a capitalised word before the title that is not
//!    part of the name ("Syrian" in "Syrian President ...") is left out.
//! 3. **Capitalised sequences** of tokens, with initials ("W."), name
//!    particles ("al", "bin", "de", "van"), Irish "O’" names, hyphenated
//!    names ("al-Nusra") and, inside organisation names, the connectors
//!    "of", "of the", "for", "on", "and" ("Centre for Research on
//!    Globalization", "Army of Conquest"). Their kind comes from an
//!    organisation suffix (0.8: "Institute" → think tank, "Times",
//!    "Journal" → outlet, "Ministry", "Agency" → government, "Party" →
//!    organisation), a first-name list (0.8), a person already named in the
//!    article whose last name this is (0.75), a lower-case descriptor before
//!    it ("neocon John Bolton", 0.7); otherwise a bare multi-word sequence is
//!    taken for a person (0.45), an unknown acronym or single word for an
//!    organisation (0.35 / 0.3).
//!
//! Sentence-initial function words and common words ("The", "However",
//! "This", "Bingo") never start an entity; a sentence-initial single word is
//! kept only with gazetteer, title or name evidence. Possessive "’s" and
//! footnote marks ("Journal⁴") are not part of the entity. Nationality words
//! ("Syrian", "Russians"), months and weekdays are not entities on their own.
//! Inside the title, headings and quoted title-case headlines only
//! gazetteer, title and suffix evidence counts.
//!
//! # Measurement
//!
//! There is no annotated NER set here; the unit test
//! `sample_article_key_entities` checks the sample article
//! (`examples/syria-ceasefire-opinion.md`): its key people (Mike Whitney,
//! Samantha Power, Colonel W. Patrick Lang, President Bashar al Assad,
//! John Bolton, Christina Lin, Michael O’ Hanlon), outlets (CounterPunch,
//! Global Research, the New York Times, Times of Israel) and bodies (the
//! Pentagon, the United Nations, the Brookings Institute) are found with the
//! right kind, and that no sentence-initial common word becomes an entity.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use unspin_document::{layers, Document, Span};
use unspin_segment::{sentences, tokenize, Token, TokenKind};

use crate::{Entity, EntityKind};

/// A fast hasher for lookups in the fixed word lists of this crate (the
/// FxHash of rustc: one rotate, xor and multiply per 8 bytes). The keys are
/// our own lexicon entries, so SipHash's resistance to crafted keys is not
/// needed, and hashing every token with it costs more than the lookup.
#[derive(Clone, Copy, Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed by lexicon words, hashed with [`FxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A hash set of lexicon words, hashed with [`FxHasher`].
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// Provenance of entity spans.
pub const PROVENANCE: &str = "entities-rules";

const OUTLETS: &[&str] = &[
    "Reuters",
    "AP",
    "Associated Press",
    "AFP",
    "Agence France-Presse",
    "Agence France Presse",
    "BBC",
    "BBC News",
    "CNN",
    "MSNBC",
    "NBC",
    "NBC News",
    "CBS",
    "CBS News",
    "ABC News",
    "NPR",
    "PBS",
    "Fox News",
    "Fox",
    "Al Jazeera",
    "Al-Jazeera",
    "Al Arabiya",
    "RT",
    "Russia Today",
    "Sputnik",
    "TASS",
    "Xinhua",
    "CounterPunch",
    "Counterpunch",
    "Global Research",
    "New York Times",
    "The New York Times",
    "NYT",
    "NY Times",
    "Washington Post",
    "The Washington Post",
    "WaPo",
    "Washpost",
    "Wall Street Journal",
    "The Wall Street Journal",
    "WSJ",
    "The Guardian",
    "Guardian",
    "The Independent",
    "The Times",
    "The Telegraph",
    "Daily Telegraph",
    "Daily Mail",
    "Financial Times",
    "The Economist",
    "Economist",
    "The Atlantic",
    "The New Yorker",
    "New Yorker",
    "The Nation",
    "The Intercept",
    "The Hill",
    "Politico",
    "Bloomberg",
    "Bloomberg News",
    "USA Today",
    "Los Angeles Times",
    "LA Times",
    "Chicago Tribune",
    "Boston Globe",
    "Newsweek",
    "Time magazine",
    "Le Monde",
    "Der Spiegel",
    "Spiegel",
    "Haaretz",
    "Times of Israel",
    "Jerusalem Post",
    "Sky News",
    "Deutsche Welle",
    "Vox",
    "Slate",
    "Salon",
    "Breitbart",
    "HuffPost",
    "Huffington Post",
    "BuzzFeed",
    "BuzzFeed News",
    "Axios",
    "ProPublica",
    "Foreign Policy",
    "Foreign Affairs",
    "Mother Jones",
    "National Review",
    "The American Conservative",
    "Consortium News",
    "Truthout",
    "Antiwar.com",
    "Zero Hedge",
    "ZeroHedge",
    "InfoWars",
    "Infowars",
    "SANA",
    "Press TV",
    "Anadolu",
    "Armed Forces Journal",
];

/// Well-known blogs and personal sites (their entity kind is `NewsOutlet`;
/// [`is_known_blog`] tells them apart for source kinds).
const BLOGS: &[&str] = &[
    "Sic Semper Tyrannis",
    "Moon of Alabama",
    "The Vineyard of the Saker",
    "Vineyard of the Saker",
    "The Saker",
    "Naked Capitalism",
    "Daily Kos",
    "Lawfare",
    "Informed Comment",
    "The Daily Beast",
    "Craig Murray",
    "Medium",
    "Substack",
];

const GOVERNMENT: &[&str] = &[
    "Pentagon",
    "White House",
    "Kremlin",
    "State Department",
    "Department of State",
    "Defense Department",
    "Department of Defense",
    "Justice Department",
    "Department of Justice",
    "Treasury",
    "CIA",
    "FBI",
    "NSA",
    "DIA",
    "Defense Intelligence Agency",
    "Central Intelligence Agency",
    "Congress",
    "Senate",
    "House of Representatives",
    "Parliament",
    "Downing Street",
    "Whitehall",
    "Élysée",
    "UN",
    "U.N.",
    "United Nations",
    "UN Security Council",
    "Security Council",
    "General Assembly",
    "NATO",
    "EU",
    "European Union",
    "European Commission",
    "Arab League",
    "OPCW",
    "IAEA",
    "WHO",
    "Supreme Court",
    "Obama administration",
    "Trump administration",
    "Bush administration",
    "Biden administration",
    "Mossad",
    "FSB",
    "MI6",
    "Syrian Arab Army",
    "SAA",
];

const THINK_TANKS: &[&str] = &[
    "Brookings",
    "Brookings Institution",
    "Brookings Institute",
    "RAND",
    "RAND Corporation",
    "Rand Corporation",
    "Heritage Foundation",
    "CFR",
    "Council on Foreign Relations",
    "Atlantic Council",
    "Cato Institute",
    "American Enterprise Institute",
    "AEI",
    "Carnegie Endowment",
    "Carnegie Endowment for International Peace",
    "CSIS",
    "Center for Strategic and International Studies",
    "Chatham House",
    "Institute for the Study of War",
    "ISW",
    "Hoover Institution",
    "Wilson Center",
    "Hudson Institute",
    "Center for American Progress",
    "Washington Institute",
    "Washington Institute for Near East Policy",
    "Foundation for Defense of Democracies",
    "Quincy Institute",
    "Stimson Center",
    "IISS",
    "Centre for Research on Globalization",
    "Centre for Research on Globalisation",
];

const ORGANISATIONS: &[&str] = &[
    "ISIS",
    "ISIL",
    "Islamic State",
    "Daesh",
    "al-Nusra",
    "Al-Nusra",
    "Nusra Front",
    "al-Nusra Front",
    "al-Qaeda",
    "Al-Qaeda",
    "al Qaeda",
    "Al Qaeda",
    "Al Qaida",
    "al Qaida",
    "Hezbollah",
    "Hamas",
    "Taliban",
    "Muslim Brotherhood",
    "Free Syrian Army",
    "FSA",
    "YPG",
    "SDF",
    "PKK",
    "White Helmets",
    "Amnesty International",
    "Human Rights Watch",
    "Red Cross",
    "Red Crescent",
    "SOHR",
    "Syrian Observatory for Human Rights",
    "Facebook",
    "Twitter",
    "Google",
    "YouTube",
    "Wikipedia",
    "WikiLeaks",
    "Wikileaks",
    "Gazprom",
    "World Bank",
    "IMF",
    "Army of Conquest",
];

const PEOPLE: &[&str] = &[
    "Vladimir Putin",
    "Putin",
    "Barack Obama",
    "Obama",
    "Donald Trump",
    "Trump",
    "Joe Biden",
    "Biden",
    "Hillary Clinton",
    "Bill Clinton",
    "Clinton",
    "George W. Bush",
    "Bush",
    "Bashar al-Assad",
    "Bashar al Assad",
    "Assad",
    "John Kerry",
    "Kerry",
    "Sergei Lavrov",
    "Lavrov",
    "Recep Tayyip Erdogan",
    "Erdogan",
    "Erdoğan",
    "Benjamin Netanyahu",
    "Netanyahu",
    "Angela Merkel",
    "Merkel",
    "Xi Jinping",
    "Emmanuel Macron",
    "Macron",
    "Theresa May",
    "Boris Johnson",
    "Tony Blair",
    "Saddam Hussein",
    "Muammar Gaddafi",
    "Gaddafi",
    "Osama bin Laden",
    "bin Laden",
    "Abu Bakr al-Baghdadi",
    "Volodymyr Zelensky",
    "Zelensky",
    "Kim Jong Un",
    "Kim Jong-un",
];

const PLACES: &[&str] = &[
    // Countries.
    "Afghanistan",
    "Albania",
    "Algeria",
    "Argentina",
    "Armenia",
    "Australia",
    "Austria",
    "Azerbaijan",
    "Bahrain",
    "Bangladesh",
    "Belarus",
    "Belgium",
    "Bolivia",
    "Bosnia",
    "Brazil",
    "Britain",
    "Great Britain",
    "Bulgaria",
    "Cambodia",
    "Canada",
    "Chile",
    "China",
    "Colombia",
    "Croatia",
    "Cuba",
    "Cyprus",
    "Czech Republic",
    "Denmark",
    "Egypt",
    "England",
    "Eritrea",
    "Estonia",
    "Ethiopia",
    "Finland",
    "France",
    "Georgia",
    "Germany",
    "Greece",
    "Haiti",
    "Hungary",
    "Iceland",
    "India",
    "Indonesia",
    "Iran",
    "Iraq",
    "Ireland",
    "Israel",
    "Italy",
    "Japan",
    "Jordan",
    "Kazakhstan",
    "Kenya",
    "Kosovo",
    "Kuwait",
    "Latvia",
    "Lebanon",
    "Libya",
    "Lithuania",
    "Malaysia",
    "Mali",
    "Mexico",
    "Moldova",
    "Mongolia",
    "Morocco",
    "Myanmar",
    "Nepal",
    "Netherlands",
    "New Zealand",
    "Nicaragua",
    "Niger",
    "Nigeria",
    "North Korea",
    "Norway",
    "Oman",
    "Pakistan",
    "Palestine",
    "Panama",
    "Peru",
    "Philippines",
    "Poland",
    "Portugal",
    "Qatar",
    "Romania",
    "Russia",
    "Rwanda",
    "Saudi Arabia",
    "Scotland",
    "Serbia",
    "Singapore",
    "Slovakia",
    "Somalia",
    "South Africa",
    "South Korea",
    "South Sudan",
    "Spain",
    "Sri Lanka",
    "Sudan",
    "Sweden",
    "Switzerland",
    "Syria",
    "Taiwan",
    "Thailand",
    "Tunisia",
    "Turkey",
    "Ukraine",
    "United Arab Emirates",
    "UAE",
    "United Kingdom",
    "UK",
    "U.K.",
    "United States",
    "United States of America",
    "US",
    "U.S.",
    "USA",
    "U.S.A.",
    "America",
    "Uzbekistan",
    "Venezuela",
    "Vietnam",
    "Wales",
    "Yemen",
    "Zimbabwe",
    // Capitals, major cities.
    "Washington",
    "Washington, D.C.",
    "New York",
    "Los Angeles",
    "Chicago",
    "London",
    "Paris",
    "Berlin",
    "Moscow",
    "Beijing",
    "Tokyo",
    "Brussels",
    "Geneva",
    "Vienna",
    "Rome",
    "Madrid",
    "Kiev",
    "Kyiv",
    "Ankara",
    "Istanbul",
    "Tehran",
    "Baghdad",
    "Damascus",
    "Beirut",
    "Amman",
    "Riyadh",
    "Doha",
    "Dubai",
    "Abu Dhabi",
    "Cairo",
    "Tripoli",
    "Benghazi",
    "Jerusalem",
    "Tel Aviv",
    "Gaza",
    "Kabul",
    "Islamabad",
    "New Delhi",
    "Delhi",
    "Mumbai",
    "Aleppo",
    "Homs",
    "Hama",
    "Idlib",
    "Raqqa",
    "Deir Ezzor",
    "Deir ez-Zor",
    "Palmyra",
    "Latakia",
    "Mosul",
    "Fallujah",
    "Basra",
    "Kirkuk",
    "Erbil",
    "Sanaa",
    "Aden",
    "Donetsk",
    "Sevastopol",
    "Langley",
    // Regions.
    "Middle East",
    "North Africa",
    "Africa",
    "Europe",
    "Asia",
    "Latin America",
    "South America",
    "North America",
    "Central Asia",
    "Eastern Europe",
    "Western Europe",
    "Balkans",
    "Baltics",
    "Caucasus",
    "Crimea",
    "Donbas",
    "Donbass",
    "Kashmir",
    "West Bank",
    "Golan Heights",
    "Sinai",
    "Kurdistan",
    "Persian Gulf",
    "Gulf",
    "Levant",
    "Mediterranean",
    "Scandinavia",
    "Pacific",
    "Atlantic",
    "Arctic",
    "West",
    "Little Bighorn",
];

/// Capitalised titles and honorifics that make the following name a person.
/// Multi-word titles are matched before single ones.
const TITLES: &[&str] = &[
    "Secretary of State",
    "Secretary of Defense",
    "Secretary of Defence",
    "Defense Secretary",
    "Defence Secretary",
    "Foreign Minister",
    "Foreign Secretary",
    "Prime Minister",
    "Vice President",
    "Attorney General",
    "Supreme Leader",
    "Lieutenant Colonel",
    "Lt. Col.",
    "Lt. Gen.",
    "Maj. Gen.",
    "Brig. Gen.",
    "Major General",
    "Brigadier General",
    "President",
    "Pres.",
    "Senator",
    "Sen.",
    "Representative",
    "Rep.",
    "Congressman",
    "Congresswoman",
    "Governor",
    "Gov.",
    "Mayor",
    "Minister",
    "Secretary",
    "Ambassador",
    "Amb.",
    "General",
    "Gen.",
    "Colonel",
    "Col.",
    "Lieutenant",
    "Lt.",
    "Major",
    "Maj.",
    "Captain",
    "Capt.",
    "Sergeant",
    "Sgt.",
    "Admiral",
    "Adm.",
    "Commander",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Mr",
    "Mrs",
    "Ms",
    "Dr.",
    "Dr",
    "Prof.",
    "Professor",
    "Judge",
    "Justice",
    "Chancellor",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Sheikh",
    "Emir",
    "Ayatollah",
    "Pope",
    "Rev.",
    "Reverend",
    "Sir",
    "Lord",
    "Lady",
    "Dame",
    "Chairman",
    "Director",
    "Commissioner",
    "SECDEF",
    "SecDef",
];

/// Lower-case descriptors that, directly before a capitalised name, make it
/// a person ("former ambassador John Bolton", "analyst, Jane Doe").
const PERSON_DESCRIPTORS: &[&str] = &[
    "ambassador",
    "president",
    "senator",
    "colonel",
    "general",
    "analyst",
    "columnist",
    "writer",
    "journalist",
    "reporter",
    "correspondent",
    "author",
    "professor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "secretary",
    "minister",
    "veteran",
    "officer",
    "neocon",
    "commentator",
    "blogger",
    "economist",
    "historian",
    "researcher",
    "scholar",
    "editor",
    "diplomat",
    "envoy",
    "official",
    "adviser",
    "advisor",
    "director",
    "chief",
    "leader",
    "warlord",
    "candidate",
    "lawmaker",
    "congressman",
    "congresswoman",
    "governor",
    "mayor",
    "expert",
    "activist",
    "founder",
    "fellow",
    "lawyer",
    "attorney",
    "judge",
    "officer",
    "pundit",
    "host",
    "anchor",
    "strategist",
    "mr",
    "mrs",
    "ms",
    "dr",
];

const FIRST_NAMES: &[&str] = &[
    "Aaron",
    "Adam",
    "Ahmad",
    "Ahmed",
    "Alan",
    "Albert",
    "Alex",
    "Alexander",
    "Ali",
    "Alice",
    "Amanda",
    "Amy",
    "Andrew",
    "Angela",
    "Ann",
    "Anna",
    "Anne",
    "Anthony",
    "Antony",
    "Ash",
    "Ashton",
    "Barack",
    "Barbara",
    "Bashar",
    "Ben",
    "Benjamin",
    "Bernie",
    "Bill",
    "Bob",
    "Boris",
    "Brian",
    "Bruce",
    "Carl",
    "Carol",
    "Catherine",
    "Charles",
    "Chris",
    "Christina",
    "Christine",
    "Christopher",
    "Chuck",
    "Colin",
    "Craig",
    "Dan",
    "Daniel",
    "David",
    "Dennis",
    "Diane",
    "Dmitry",
    "Donald",
    "Douglas",
    "Ed",
    "Edward",
    "Elizabeth",
    "Emily",
    "Emma",
    "Eric",
    "Frank",
    "Fred",
    "Gary",
    "George",
    "Glenn",
    "Greg",
    "Gregory",
    "Hassan",
    "Helen",
    "Henry",
    "Hillary",
    "Hussein",
    "Ian",
    "Ibrahim",
    "Igor",
    "Ivan",
    "Jack",
    "Jacob",
    "James",
    "Jane",
    "Janet",
    "Jason",
    "Jeff",
    "Jeffrey",
    "Jennifer",
    "Jeremy",
    "Jessica",
    "Jim",
    "Joe",
    "John",
    "Jon",
    "Jonathan",
    "Joseph",
    "Joshua",
    "Julia",
    "Julian",
    "Karen",
    "Kate",
    "Kevin",
    "Khalid",
    "Laura",
    "Linda",
    "Lisa",
    "Mahmoud",
    "Marco",
    "Margaret",
    "Maria",
    "Mark",
    "Martin",
    "Mary",
    "Matthew",
    "Max",
    "Michael",
    "Michelle",
    "Mike",
    "Mohammad",
    "Mohammed",
    "Muhammad",
    "Nancy",
    "Nicholas",
    "Nick",
    "Nicole",
    "Noam",
    "Omar",
    "Pat",
    "Patricia",
    "Patrick",
    "Paul",
    "Peter",
    "Philip",
    "Rachel",
    "Ralph",
    "Rand",
    "Ray",
    "Rebecca",
    "Recep",
    "Richard",
    "Rob",
    "Robert",
    "Ron",
    "Ronald",
    "Rose",
    "Ruth",
    "Samantha",
    "Sam",
    "Samuel",
    "Sarah",
    "Scott",
    "Sean",
    "Sergei",
    "Sergey",
    "Seymour",
    "Sharon",
    "Stephen",
    "Steve",
    "Steven",
    "Susan",
    "Thomas",
    "Tim",
    "Timothy",
    "Tom",
    "Tony",
    "Victoria",
    "Vladimir",
    "Walter",
    "William",
    "Yusuf",
];

/// Nationality and group words: not entities on their own.
const DEMONYMS: &[&str] = &[
    "American",
    "Americans",
    "Russian",
    "Russians",
    "Syrian",
    "Syrians",
    "Iranian",
    "Iranians",
    "Iraqi",
    "Iraqis",
    "Turkish",
    "Turks",
    "Saudi",
    "Saudis",
    "Qatari",
    "Israeli",
    "Israelis",
    "Palestinian",
    "Palestinians",
    "Kurdish",
    "Kurd",
    "Kurds",
    "Sunni",
    "Sunnis",
    "Shia",
    "Shiite",
    "Shiites",
    "Alawite",
    "Alawites",
    "Arab",
    "Arabs",
    "Muslim",
    "Muslims",
    "Christian",
    "Christians",
    "Jewish",
    "Jew",
    "Jews",
    "Islamic",
    "Islamist",
    "Islamists",
    "Salafist",
    "Salafists",
    "Western",
    "Westerners",
    "European",
    "Europeans",
    "Chinese",
    "British",
    "French",
    "German",
    "Germans",
    "Ukrainian",
    "Ukrainians",
    "Libyan",
    "Libyans",
    "Afghan",
    "Afghans",
    "Lebanese",
    "Jordanian",
    "Egyptian",
    "Egyptians",
    "Soviet",
    "Yemeni",
    "Pakistani",
    "Indian",
    "Japanese",
    "Korean",
    "Italian",
    "Spanish",
    "Greek",
    "Polish",
    "Democrat",
    "Democrats",
    "Republican",
    "Republicans",
    "Jihadist",
    "Jihadists",
    "English",
    "Canadian",
    "Australian",
    "Mexican",
    "Cuban",
    "Venezuelan",
    "Brazilian",
    "Asian",
    "African",
    "Latino",
];

const MONTHS_DAYS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "I",
    "God",
    "OK",
];

/// Words that never start an entity (function words and common
/// sentence-initial words).
const STOP_STARTS: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "For",
    "From",
    "By",
    "With",
    "As",
    "But",
    "And",
    "Or",
    "So",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "Although",
    "Though",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "He",
    "She",
    "They",
    "We",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "My",
    "Its",
    "Your",
    "What",
    "Why",
    "How",
    "Where",
    "Who",
    "Whom",
    "Which",
    "Many",
    "Some",
    "Most",
    "Every",
    "Each",
    "All",
    "Both",
    "Either",
    "Neither",
    "No",
    "Not",
    "Even",
    "Only",
    "Yet",
    "Still",
    "Also",
    "However",
    "Meanwhile",
    "Moreover",
    "Furthermore",
    "Indeed",
    "Of",
    "To",
    "Under",
    "Over",
    "Into",
    "Through",
    "During",
    "Until",
    "Against",
    "Among",
    "Between",
    "Without",
    "Within",
    "Here",
    "There",
    "Then",
    "Now",
    "Today",
    "Yesterday",
    "Tomorrow",
    "Last",
    "Next",
    "First",
    "Second",
    "Third",
    "Finally",
    "Instead",
    "Unlike",
    "Like",
    "Despite",
    "Because",
    "Unless",
    "Whether",
    "Do",
    "Does",
    "Did",
    "Is",
    "Are",
    "Was",
    "Were",
    "Will",
    "Would",
    "Can",
    "Could",
    "Should",
    "Might",
    "Must",
    "Has",
    "Have",
    "Had",
    "Let",
    "Once",
    "Just",
    "Well",
    "Okay",
    "Yes",
    "Perhaps",
    "Maybe",
    "Naturally",
    "Clearly",
    "Obviously",
    "Sadly",
    "Unfortunately",
    "According",
    "Writing",
    "Thus",
    "Hence",
    "Such",
    "Another",
    "Other",
    "Any",
    "More",
    "Much",
    "Few",
    "Several",
    "Via",
    "Per",
    "Our",
    "Mission",
    "Bottom",
    "Chief",
    "Read",
    "See",
    "Click",
    "Share",
    "Comment",
    "Copyright",
    "Disclaimer",
    "Region",
    "Theme",
    "Articles",
    "Become",
    "Sound",
    "Split",
];

const COMPASS: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Northeast",
    "Northwest",
    "Southeast",
    "Southwest",
    "Greater",
    "Upper",
    "Lower",
];

/// Name particles allowed between capitalised name parts.
const PARTICLES: &[&str] = &[
    "al", "el", "bin", "ibn", "bint", "abu", "de", "da", "di", "del", "della", "der", "den", "van",
    "von", "du", "le", "la", "dos", "das", "ben", "y",
];

/// Connectors allowed inside organisation names (after an organisation head).
const ORG_CONNECTORS: &[&str] = &["of", "for", "on", "and", "&", "the", "de"];

/// Words heading an organisation name ("Army of Conquest", "Centre for ...").
const ORG_HEADS: &[&str] = &[
    "Army",
    "Bank",
    "Centre",
    "Center",
    "Council",
    "Department",
    "Ministry",
    "Institute",
    "Institution",
    "University",
    "College",
    "Committee",
    "Commission",
    "Office",
    "League",
    "Party",
    "Front",
    "Union",
    "Organization",
    "Organisation",
    "Society",
    "Board",
    "Court",
    "House",
    "Church",
    "School",
    "Academy",
    "Agency",
    "Bureau",
    "Federation",
    "Association",
    "Foundation",
    "Times",
    "Friends",
    "Coalition",
    "Alliance",
    "Movement",
    "Brotherhood",
    "Corps",
    "Forces",
    "Observatory",
    "Endowment",
    "Fund",
    "Vineyard",
    "Secretary",
    "Minister",
];

fn suffix_kind(word: &str) -> Option<(EntityKind, f32)> {
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

struct Gazetteer {
    /// First word → entries (text, kind, blog) longest first.
    by_first: FastMap<&'static str, Vec<(&'static str, EntityKind)>>,
    blogs: HashSet<String>,
    surnames: FastSet<&'static str>,
    titles: FastMap<&'static str, Vec<&'static str>>,
}

fn first_word(entry: &str) -> &str {
    let end = entry
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}')
        .map_or(entry.len(), |(i, _)| i);
    &entry[..end]
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let mut by_first: FastMap<&'static str, Vec<(&'static str, EntityKind)>> =
            FastMap::default();
        let lists: [(&[&'static str], EntityKind); 7] = [
            (OUTLETS, EntityKind::NewsOutlet),
            (BLOGS, EntityKind::NewsOutlet),
            (GOVERNMENT, EntityKind::Government),
            (THINK_TANKS, EntityKind::ThinkTank),
            (ORGANISATIONS, EntityKind::Organisation),
            (PEOPLE, EntityKind::Person),
            (PLACES, EntityKind::Place),
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
        for &t in TITLES {
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
struct WordSets {
    stop_starts: FastSet<&'static str>,
    months_days: FastSet<&'static str>,
    first_names: FastSet<&'static str>,
    demonyms: FastSet<&'static str>,
    particles: FastSet<&'static str>,
    org_heads: FastSet<&'static str>,
    org_connectors: FastSet<&'static str>,
    compass: FastSet<&'static str>,
    person_descriptors: FastSet<&'static str>,
    titles: FastSet<&'static str>,
}

/// Whether `w` is a name particle ("al", "bin", "van"); all are short, so
/// most words are told apart by their length without hashing.
fn is_particle(w: &str) -> bool {
    w.len() <= 5 && word_sets().particles.contains(w)
}

fn word_sets() -> &'static WordSets {
    static SETS: OnceLock<WordSets> = OnceLock::new();
    SETS.get_or_init(|| {
        let set = |list: &[&'static str]| list.iter().copied().collect();
        WordSets {
            stop_starts: set(STOP_STARTS),
            months_days: set(MONTHS_DAYS),
            first_names: set(FIRST_NAMES),
            demonyms: set(DEMONYMS),
            particles: set(PARTICLES),
            org_heads: set(ORG_HEADS),
            org_connectors: set(ORG_CONNECTORS),
            compass: set(COMPASS),
            person_descriptors: set(PERSON_DESCRIPTORS),
            titles: set(TITLES),
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

fn is_word_boundary(text: &str, at: usize) -> bool {
    match text[at..].chars().next() {
        None => true,
        Some(c) => {
            // Footnote digits ("Journal⁴") still end a word.
            !c.is_alphanumeric() || (!c.is_alphabetic() && !c.is_ascii_digit())
        }
    }
}

/// Whether `s` ends with the ASCII word `w`, ignoring case: the same as
/// `s.to_lowercase().ends_with(w)` (only ASCII letters lower-case to the ASCII
/// letters of such a word) without lower-casing all of `s`.
fn ends_with_ignore_ascii_case(s: &str, w: &str) -> bool {
    s.len() >= w.len() && s.as_bytes()[s.len() - w.len()..].eq_ignore_ascii_case(w.as_bytes())
}

fn cap(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(word: &str) -> bool {
    let n = word.chars().count();
    (2..=6).contains(&n) && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// The end of `tok`'s word without a possessive ("’s", "'s", trailing
/// apostrophe) or trailing footnote marks.
fn word_end(text: &str, tok: &Token) -> usize {
    let w = &text[tok.start..tok.end];
    let mut end = tok.end;
    for suf in ["'s", "\u{2019}s", "'S", "\u{2019}S"] {
        if w.len() > suf.len() && w.ends_with(suf) {
            end -= suf.len();
            break;
        }
    }
    // Trailing non-letters (superscript footnote numbers).
    let mut s = &text[tok.start..end];
    while let Some(c) = s.chars().last() {
        if c.is_alphabetic() || s.len() <= c.len_utf8() {
            break;
        }
        if c.is_ascii_digit() && s.chars().any(|d| d.is_ascii_digit() && d != c) {
            break;
        }
        if c.is_ascii_digit() && s.chars().all(|d| d.is_ascii_digit() || d.is_uppercase()) {
            break; // "MI6", "G20"
        }
        s = &s[..s.len() - c.len_utf8()];
    }
    tok.start + s.len()
}

fn has_possessive(text: &str, tok: &Token) -> bool {
    word_end(text, tok) < tok.end
}

struct Ctx<'a> {
    text: &'a str,
    toks: Vec<Token>,
    sent_initial: Vec<bool>,
    /// Tokens inside the title, a heading or a quoted headline.
    headline: Vec<bool>,
}

impl<'a> Ctx<'a> {
    fn word(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.text[t.start..t.end]
    }
    fn is_word(&self, i: usize) -> bool {
        i < self.toks.len() && self.toks[i].kind != TokenKind::Punct
    }
    fn adjacent(&self, i: usize) -> bool {
        // token i+1 starts right where token i ends
        i + 1 < self.toks.len() && self.toks[i].end == self.toks[i + 1].start
    }
    fn gap_is_space(&self, i: usize) -> bool {
        // only spaces (no newline) between token i and i+1
        i + 1 < self.toks.len()
            && self.text[self.toks[i].end..self.toks[i + 1].start]
                .chars()
                .all(|c| c == ' ' || c == '\u{a0}')
    }

    /// A gazetteer match starting at token `i`: (end byte, next token, kind).
    fn gazetteer_at(&self, i: usize) -> Option<(usize, usize, EntityKind)> {
        let t = &self.toks[i];
        let first = &self.text[t.start..word_end(self.text, t)];
        let g = gazetteer();
        let key = first_word(first);
        let entries = g.by_first.get(key)?;
        for (e, kind) in entries {
            if self.text[t.start..].starts_with(e) && is_word_boundary(self.text, t.start + e.len())
            {
                let end = t.start + e.len();
                let mut j = i;
                while j < self.toks.len() && self.toks[j].start < end {
                    j += 1;
                }
                // The match must not cut a token in two, except a possessive
                // or footnote mark.
                if j > 0
                    && self.toks[j - 1].end > end
                    && word_end(self.text, &self.toks[j - 1]) != end
                {
                    continue;
                }
                // Multi-word entries must stay on one line.
                if self.text[t.start..end].contains('\n') {
                    continue;
                }
                return Some((end, j, *kind));
            }
        }
        None
    }

    /// A title starting at token `i`: the next token index after it.
    fn title_at(&self, i: usize) -> Option<usize> {
        let t = &self.toks[i];
        let word = &self.text[t.start..t.end];
        let cands = gazetteer().titles.get(word)?;
        for title in cands {
            if self.text[t.start..].starts_with(title)
                && is_word_boundary(self.text, t.start + title.len())
            {
                let end = t.start + title.len();
                let mut j = i;
                while j < self.toks.len() && self.toks[j].start < end {
                    j += 1;
                }
                return Some(j);
            }
        }
        None
    }

    /// A name run starting at token `i` (capitalised words, initials,
    /// particles, O’ names, hyphenated parts): (end byte, next token,
    /// number of name words).
    fn name_run(&self, i: usize, org: bool) -> Option<(usize, usize, usize)> {
        let n = self.toks.len();
        let mut j = i;
        let mut end = None;
        let mut words = 0;
        let mut in_org = org;
        while j < n {
            if j > i && !self.gap_is_space(j - 1) && !self.adjacent(j - 1) {
                break;
            }
            let w = self.word(j);
            let tok = self.toks[j];
            if !self.is_word(j) {
                break;
            }
            if cap(w) {
                if j > i
                    && (word_sets().months_days.contains(&w)
                        || (word_sets().stop_starts.contains(&w) && w != "The"))
                {
                    break;
                }
                if j > i && self.title_at(j).is_some() && words > 0 && !in_org {
                    break;
                }
                // Initial "W." / "U.S."
                let single = w.chars().count() == 1;
                if single && j + 1 < n && self.adjacent(j) && self.word(j + 1) == "." {
                    end = Some(self.toks[j + 1].end);
                    words += 1;
                    j += 2;
                    // "U.S." continues without a space.
                    continue;
                }
                // O’Hanlon split as "O", "’", "Hanlon" (possibly "O’ Hanlon").
                if single
                    && j + 2 < n
                    && self.adjacent(j)
                    && matches!(self.word(j + 1), "'" | "\u{2019}")
                    && self.gap_is_space(j + 1)
                    && cap(self.word(j + 2))
                {
                    let t2 = self.toks[j + 2];
                    end = Some(word_end(self.text, &t2));
                    words += 1;
                    let poss = has_possessive(self.text, &t2);
                    j += 3;
                    if poss {
                        break;
                    }
                    continue;
                }
                if word_sets().org_heads.contains(&w) {
                    in_org = true;
                }
                end = Some(word_end(self.text, &tok));
                words += 1;
                j += 1;
                if has_possessive(self.text, &tok) {
                    break;
                }
                // Hyphenated capitalised part: "Jean-Claude", "al-Nusra".
                if j + 1 < n
                    && self.adjacent(j - 1)
                    && self.word(j) == "-"
                    && self.adjacent(j)
                    && cap(self.word(j + 1))
                    && !(gazetteer_kind(w) == Some(EntityKind::Place)
                        || gazetteer_kind(self.word(j + 1)) == Some(EntityKind::Place))
                {
                    let t2 = self.toks[j + 1];
                    end = Some(word_end(self.text, &t2));
                    let poss = has_possessive(self.text, &t2);
                    j += 2;
                    if poss {
                        break;
                    }
                }
                continue;
            }
            // Lower-case: particle, "al-" prefix or an org connector.
            let lw = w;
            if is_particle(lw) {
                if self.adjacent(j) && j + 2 < n && self.word(j + 1) == "-" && cap(self.word(j + 2))
                {
                    // "al-Nusra"
                    if words == 0 || self.gap_is_space(j - 1) {
                        let t2 = self.toks[j + 2];
                        end = Some(word_end(self.text, &t2));
                        words += 1;
                        let poss = has_possessive(self.text, &t2);
                        j += 3;
                        if poss {
                            break;
                        }
                        continue;
                    }
                }
                if words > 0 && j + 1 < n && self.gap_is_space(j) && cap(self.word(j + 1)) {
                    j += 1;
                    continue;
                }
                break;
            }
            if in_org && words > 0 && (word_sets().org_connectors.contains(&lw)) {
                // "of the", "for", "on", "and"
                let mut k = j;
                while k < n && word_sets().org_connectors.contains(&self.word(k)) && k - j < 2 {
                    if !self.gap_is_space(k) {
                        break;
                    }
                    k += 1;
                }
                if k < n
                    && k > j
                    && cap(self.word(k))
                    && !word_sets().stop_starts.contains(&self.word(k))
                {
                    j = k;
                    continue;
                }
            }
            break;
        }
        end.map(|e| (e, j, words))
    }
}

/// Finds the named entities of `doc`, sorted by start and non-overlapping.
pub fn find_entities(doc: &Document) -> Vec<Entity> {
    let text = doc.text();
    // The sentence layer, when there is one, is `sentences(text)`.
    let sentence_starts: Vec<usize> = if doc.has_layer(layers::SENTENCE) {
        doc.layer(layers::SENTENCE)
            .iter()
            .map(|s| s.start())
            .collect()
    } else {
        sentences(text).iter().map(|r| r.start).collect()
    };
    find_entities_in(text, &sentence_starts, &headline_ranges(doc))
}

fn headline_ranges(doc: &Document) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = doc
        .layer(layers::TITLE)
        .iter()
        .chain(doc.layer(layers::HEADING))
        .map(|s| (s.start(), s.end()))
        .collect();
    // Quoted title-case headlines ("To Defeat ISIS, Create a Sunni State").
    let text = doc.text();
    for q in crate::quotes::quotation_spans(text) {
        let inner = &text[q.inner.clone()];
        let words: Vec<&str> = inner
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .collect();
        let caps = words.iter().filter(|w| cap(w)).count();
        let before = text[..q.open].trim_end();
        let titled = before.ends_with('(')
            || ["titled", "entitled", "headlined"]
                .iter()
                .any(|w| ends_with_ignore_ascii_case(before, w));
        if (words.len() >= 3 && caps * 10 >= words.len() * 6) || titled {
            out.push((q.inner.start, q.inner.end));
        }
    }
    out
}

/// [`find_entities`] over bare text, with the byte offsets where sentences
/// start and headline ranges where only strong evidence counts.
pub(crate) fn find_entities_in(
    text: &str,
    sentence_starts: &[usize],
    headlines: &[(usize, usize)],
) -> Vec<Entity> {
    let toks = tokenize(text);
    // Sentence and line starts, sorted for binary search.
    let mut starts: Vec<usize> = sentence_starts.to_vec();
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts.sort_unstable();
    starts.dedup();
    let mut sent_initial = vec![false; toks.len()];
    let mut prev_initial_punct = true;
    let mut next_start = 0;
    for (i, t) in toks.iter().enumerate() {
        let w = &text[t.start..t.end];
        // Tokens and starts are both sorted: walk them together.
        while next_start < starts.len() && starts[next_start] < t.start {
            next_start += 1;
        }
        let at_start = starts.get(next_start) == Some(&t.start)
            || (i > 0 && prev_initial_punct && t.kind != TokenKind::Punct)
            || (i > 0 && matches!(&text[toks[i - 1].start..toks[i - 1].end], ":" | "\u{2014}"));
        sent_initial[i] = at_start || i == 0;
        // An opening quote or bracket at a sentence start keeps the next
        // token sentence-initial ("(The", "“However").
        prev_initial_punct = (at_start || i == 0)
            && t.kind == TokenKind::Punct
            && matches!(
                w,
                "(" | "[" | "\"" | "'" | "\u{201c}" | "\u{2018}" | "." | "\u{2026}"
            );
    }
    let headline = toks
        .iter()
        .map(|t| headlines.iter().any(|&(s, e)| t.start >= s && t.end <= e))
        .collect();
    let ctx = Ctx {
        text,
        toks,
        sent_initial,
        headline,
    };
    let mut out: Vec<Entity> = Vec::new();
    let mut surnames: HashSet<String> = HashSet::new();
    let n = ctx.toks.len();
    let mut i = 0;
    while i < n {
        let w = ctx.word(i);
        if !ctx.is_word(i) || !(cap(w) || is_particle(w)) {
            i += 1;
            continue;
        }
        // 1. A title before a name.
        if let Some(after) = ctx.title_at(i) {
            if after < n && ctx.gap_is_space(after - 1) && cap(ctx.word(after)) {
                if let Some((end, next, words)) = ctx.name_run(after, false) {
                    let name_words = &text[ctx.toks[after].start..end];
                    let first_name = name_words.split_whitespace().next().unwrap_or("");
                    // In headlines ("Major Offensive") a title needs a real name.
                    let named = !ctx.headline[i]
                        || word_sets().first_names.contains(&first_name)
                        || first_name.ends_with('.');
                    if words >= 1
                        && named
                        && !word_sets().demonyms.contains(&name_words)
                        && !word_sets().stop_starts.contains(&ctx.word(after))
                        && gazetteer_kind(name_words).is_none_or(|k| k == EntityKind::Person)
                        && ctx.gazetteer_at(i).is_none_or(|(gend, _, _)| gend < end)
                    {
                        let start = ctx.toks[i].start;
                        if let Some(last) = name_words.split_whitespace().last() {
                            surnames.insert(last.to_string());
                        }
                        out.push(Entity {
                            range: start..end,
                            kind: EntityKind::Person,
                            score: 0.9,
                        });
                        i = next;
                        continue;
                    }
                }
            }
        }
        // 2. A gazetteer entry, or a longer capitalised run with a suffix.
        let gaz = ctx.gazetteer_at(i);
        let run = if cap(w) || is_particle(w) {
            ctx.name_run(i, false)
        } else {
            None
        };
        if let Some((gend, gnext, gkind)) = gaz {
            let take_run = run.is_some_and(|(rend, _, _)| {
                rend > gend
                    && text[ctx.toks[i].start..rend]
                        .split_whitespace()
                        .last()
                        .and_then(|l| suffix_kind(l.trim_end_matches(['\'', '\u{2019}', 's'])))
                        .is_some()
            });
            if !take_run {
                let start = ctx.toks[i].start;
                if gkind == EntityKind::Person {
                    if let Some(last) = text[start..gend].split_whitespace().last() {
                        surnames.insert(last.to_string());
                    }
                }
                out.push(Entity {
                    range: start..gend,
                    kind: gkind,
                    score: 0.95,
                });
                i = gnext;
                continue;
            }
        }
        let Some((end, next, words)) = run else {
            i += 1;
            continue;
        };
        if words == 0 || !cap(w) && !is_particle(w) {
            i = next.max(i + 1);
            continue;
        }
        // Strip stop words and demonyms at the start and retry.
        if word_sets().stop_starts.contains(&w) || word_sets().months_days.contains(&w) {
            i += 1;
            continue;
        }
        let start = ctx.toks[i].start;
        let span_text = &text[start..end];
        let parts: Vec<&str> = span_text.split_whitespace().collect();
        let last = parts.last().copied().unwrap_or("");
        let first = parts.first().copied().unwrap_or("");
        let suffix = suffix_kind(last).or_else(|| {
            // "Ministry of Defence", "Centre for Research on ..."
            parts.iter().take_while(|p| cap(p)).find_map(|p| {
                word_sets()
                    .org_heads
                    .contains(p)
                    .then(|| suffix_kind(p))
                    .flatten()
            })
        });
        if suffix.is_none() && word_sets().demonyms.contains(&first) {
            i += 1;
            continue;
        }
        if parts.len() == 1 && first.chars().count() == 1 {
            i = next.max(i + 1);
            continue;
        }
        // "East Aleppo", "Northern Syria": a compass word before a place.
        if parts.len() >= 2 && word_sets().compass.contains(&first) {
            let rest = &text[ctx.toks[i + 1].start..end];
            if gazetteer_kind(rest) == Some(EntityKind::Place) {
                out.push(Entity {
                    range: start..end,
                    kind: EntityKind::Place,
                    score: 0.8,
                });
                i = next.max(i + 1);
                continue;
            }
        }
        let initial = ctx.sent_initial[i];
        let in_headline = ctx.headline[i];
        let prev_word = (i > 0 && ctx.is_word(i - 1)).then(|| ctx.word(i - 1));
        let prev_descr = prev_word.is_some_and(is_person_descriptor)
            || (i > 1
                && ctx.word(i - 1) == ","
                && ctx.is_word(i - 2)
                && is_person_descriptor(ctx.word(i - 2)));
        let kind_score: Option<(EntityKind, f32)> = if let Some(ks) = suffix {
            Some(ks)
        } else if in_headline {
            None
        } else if word_sets().first_names.contains(&first) && (parts.len() >= 2 || !initial) {
            Some((EntityKind::Person, 0.8))
        } else if parts.len() == 1
            && (surnames.contains(first) || gazetteer().surnames.contains(first))
        {
            Some((EntityKind::Person, 0.75))
        } else if prev_descr && !is_acronym(first) {
            Some((EntityKind::Person, 0.7))
        } else if initial && parts.len() == 1 {
            None
        } else if is_acronym(first) && parts.len() == 1 {
            Some((EntityKind::Organisation, 0.35))
        } else if parts.len() >= 2 && parts.len() <= 4 && parts.iter().all(|p| !is_acronym(p)) {
            let plural = last.ends_with('s') && !last.ends_with("ss");
            if plural {
                Some((EntityKind::Organisation, 0.4))
            } else {
                Some((EntityKind::Person, 0.45))
            }
        } else if word_sets().demonyms.contains(&first) || word_sets().months_days.contains(&first)
        {
            None
        } else {
            Some((EntityKind::Organisation, 0.3))
        };
        if let Some((kind, score)) = kind_score {
            if kind == EntityKind::Person && parts.len() >= 2 && score >= 0.7 {
                surnames.insert(last.to_string());
            }
            out.push(Entity {
                range: start..end,
                kind,
                score,
            });
        }
        i = next.max(i + 1);
    }
    out.sort_by_key(|e| (e.range.start, std::cmp::Reverse(e.range.end)));
    let mut clean: Vec<Entity> = Vec::with_capacity(out.len());
    for e in out {
        if e.range.start >= e.range.end {
            continue;
        }
        if clean.last().is_some_and(|l| l.range.end > e.range.start) {
            continue;
        }
        clean.push(e);
    }
    clean
}

/// The `entity` layer spans for `entities`: label = the kind's name, score,
/// provenance `entities-rules`.
pub fn entity_spans(entities: &[Entity]) -> Vec<Span> {
    entities
        .iter()
        .filter_map(|e| {
            Span::new(e.range.start, e.range.end, e.kind.name())
                .ok()
                .map(|s| s.with_score(e.score).with_provenance(PROVENANCE))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ents(text: &str) -> Vec<(String, EntityKind)> {
        find_entities(&Document::new("t", text))
            .into_iter()
            .map(|e| (text[e.range].to_string(), e.kind))
            .collect()
    }

    fn has(list: &[(String, EntityKind)], name: &str, kind: EntityKind) -> bool {
        list.iter().any(|(n, k)| n == name && *k == kind)
    }

    #[test]
    fn titles_initials_and_particles() {
        let e = ents(
            "We heard from Colonel W. Patrick Lang and Syrian President Bashar al Assad today.",
        );
        assert!(
            has(&e, "Colonel W. Patrick Lang", EntityKind::Person),
            "{e:?}"
        );
        assert!(
            has(&e, "President Bashar al Assad", EntityKind::Person),
            "{e:?}"
        );
        assert!(!e.iter().any(|(n, _)| n == "Syrian"), "{e:?}");
    }

    #[test]
    fn sentence_initial_common_words_are_not_entities() {
        let e = ents("The war goes on. However, nobody cares. Bingo. This is it. Naturally, Moscow was angry.");
        let names: Vec<&str> = e.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Moscow"], "{e:?}");
        assert!(has(&e, "Moscow", EntityKind::Place));
    }

    #[test]
    fn possessive_and_footnotes_are_dropped() {
        let e = ents(
            "It was Obama's plan, as Armed Forces Journal\u{2074} said, and Reuters’s report.",
        );
        assert!(has(&e, "Obama", EntityKind::Person), "{e:?}");
        assert!(
            has(&e, "Armed Forces Journal", EntityKind::NewsOutlet),
            "{e:?}"
        );
        assert!(has(&e, "Reuters", EntityKind::NewsOutlet), "{e:?}");
    }

    #[test]
    fn gazetteers_and_suffixes() {
        let e = ents("A report in the Washington Post cited the Pentagon, the Heritage Foundation, the Springfield Daily Herald and the Ministry of Defence in Aleppo.");
        assert!(has(&e, "Washington Post", EntityKind::NewsOutlet), "{e:?}");
        assert!(has(&e, "Pentagon", EntityKind::Government), "{e:?}");
        assert!(
            has(&e, "Heritage Foundation", EntityKind::ThinkTank),
            "{e:?}"
        );
        assert!(
            has(&e, "Springfield Daily Herald", EntityKind::NewsOutlet),
            "{e:?}"
        );
        assert!(
            has(&e, "Ministry of Defence", EntityKind::Government),
            "{e:?}"
        );
        assert!(has(&e, "Aleppo", EntityKind::Place), "{e:?}");
    }

    #[test]
    fn names_with_o_apostrophe_and_hyphens() {
        let e = ents("He quoted analyst Michael O’ Hanlon and Michael E. O’Hanlon on al-Nusra and Jean-Luc Picard.");
        assert!(has(&e, "Michael O’ Hanlon", EntityKind::Person), "{e:?}");
        assert!(has(&e, "Michael E. O’Hanlon", EntityKind::Person), "{e:?}");
        assert!(has(&e, "al-Nusra", EntityKind::Organisation), "{e:?}");
        assert!(
            e.iter()
                .any(|(n, k)| n == "Jean-Luc Picard" && *k == EntityKind::Person),
            "{e:?}"
        );
    }

    #[test]
    fn known_last_names_become_people() {
        let e = ents("Samantha Power spoke. Power dispelled any doubt, and later Power left.");
        assert_eq!(
            e.iter()
                .filter(|(n, k)| n == "Power" && *k == EntityKind::Person)
                .count(),
            2,
            "{e:?}"
        );
    }

    #[test]
    fn sorted_and_non_overlapping() {
        let text = "The New York Times and The Guardian quoted Sen. Jane Roe of the Democratic Party in Washington, D.C. on Monday.";
        let found = find_entities(&Document::new("t", text));
        for w in found.windows(2) {
            assert!(w[0].range.end <= w[1].range.start);
        }
        let e = ents(text);
        assert!(
            has(&e, "The New York Times", EntityKind::NewsOutlet),
            "{e:?}"
        );
        assert!(has(&e, "The Guardian", EntityKind::NewsOutlet), "{e:?}");
        assert!(has(&e, "Sen. Jane Roe", EntityKind::Person), "{e:?}");
        assert!(
            has(&e, "Democratic Party", EntityKind::Organisation),
            "{e:?}"
        );
        let spans = entity_spans(&found);
        assert_eq!(spans.len(), found.len());
        assert_eq!(spans[0].provenance.as_deref(), Some(PROVENANCE));
    }

    #[test]
    fn sample_article_key_entities() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/syria-ceasefire-opinion.md"
        );
        let source = std::fs::read_to_string(path).expect("sample article");
        // Enough of the Markdown for the recogniser: strip link syntax.
        let text = source.replace("](#)", "").replace('[', "");
        let e = ents(&text);
        for (name, kind) in [
            ("Mike Whitney", EntityKind::Person),
            ("Samantha Power", EntityKind::Person),
            ("Colonel W. Patrick Lang", EntityKind::Person),
            ("President Bashar al Assad", EntityKind::Person),
            ("John Bolton", EntityKind::Person),
            ("Christina Lin", EntityKind::Person),
            ("Michael O’ Hanlon", EntityKind::Person),
            ("Michael E. O’Hanlon", EntityKind::Person),
            ("Ash Carter", EntityKind::Person),
            ("Mr. Assad", EntityKind::Person),
            ("CounterPunch", EntityKind::NewsOutlet),
            ("Global Research", EntityKind::NewsOutlet),
            ("New York Times", EntityKind::NewsOutlet),
            ("NYT", EntityKind::NewsOutlet),
            ("Times of Israel", EntityKind::NewsOutlet),
            ("Sic Semper Tyrannis", EntityKind::NewsOutlet),
            ("Pentagon", EntityKind::Government),
            ("United Nations", EntityKind::Government),
            ("Brookings Institute", EntityKind::ThinkTank),
            ("Aleppo", EntityKind::Place),
            ("Moscow", EntityKind::Place),
        ] {
            assert!(has(&e, name, kind), "{name} ({kind:?}) missing: {e:?}");
        }
        for bad in [
            "The",
            "However",
            "This",
            "Bingo",
            "Okay",
            "Why",
            "Naturally",
            "Syrian",
        ] {
            assert!(!e.iter().any(|(n, _)| n == bad), "{bad} is an entity");
        }
    }
}
