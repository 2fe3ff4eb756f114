//! The columns of every exportable table: name, type, nullability, meaning,
//! and the SQL that reads them (documented in `docs/corpus.md`).

use std::fmt;
use std::str::FromStr;

/// A table that `unspin corpus export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Table {
    /// One row per article: metadata, counts, provenance and text (every
    /// column of `articles` but the compressed `document`).
    Articles,
    /// One row per technique span.
    Spans,
    /// One row per quote, with its speaker.
    Quotes,
    /// One row per cited source per article.
    Sources,
    /// One row per check-worthy claim.
    Claims,
}

impl Table {
    /// Every table, in the order of the documentation.
    pub const ALL: [Table; 5] = [
        Table::Articles,
        Table::Spans,
        Table::Quotes,
        Table::Sources,
        Table::Claims,
    ];

    /// The table's name (`articles`, `spans`, …), as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Table::Articles => "articles",
            Table::Spans => "spans",
            Table::Quotes => "quotes",
            Table::Sources => "sources",
            Table::Claims => "claims",
        }
    }

    /// The columns an export of this table has, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Articles => ARTICLES,
            Table::Spans => SPANS,
            Table::Quotes => QUOTES,
            Table::Sources => SOURCES,
            Table::Claims => CLAIMS,
        }
    }

    /// The corpus table the rows come from (`spans` for [`Table::Spans`]).
    pub(crate) fn sql_table(self) -> &'static str {
        self.name()
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Table {
    type Err = String;

    fn from_str(s: &str) -> Result<Table, String> {
        Table::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| {
                format!("unknown table {s:?} (articles, spans, quotes, sources or claims)")
            })
    }
}

/// The type of an exported column, the same in every format (Parquet
/// physical/logical types follow from the Arrow type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    /// Arrow `int64` (Parquet INT64); a JSON number; CSV digits.
    Int64,
    /// Arrow `float64` (`double`, Parquet DOUBLE); a JSON number; CSV decimal.
    Float64,
    /// Arrow `utf8` (`string`, Parquet BYTE_ARRAY/STRING); a JSON string;
    /// a CSV field.
    Utf8,
    /// Arrow `bool` (Parquet BOOLEAN); JSON `true`/`false`; CSV `true`/`false`.
    Boolean,
    /// Arrow `list<utf8>` (Parquet LIST of STRING); a JSON array of strings;
    /// in CSV a JSON array written as text (`["A","B"]`).
    Utf8List,
}

impl ColumnType {
    /// The Arrow type as pyarrow prints it (`int64`, `double`, `string`,
    /// `bool`, `list<string>`).
    pub fn arrow_name(self) -> &'static str {
        match self {
            ColumnType::Int64 => "int64",
            ColumnType::Float64 => "double",
            ColumnType::Utf8 => "string",
            ColumnType::Boolean => "bool",
            ColumnType::Utf8List => "list<string>",
        }
    }
}

/// How a stored value becomes the exported one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decode {
    /// As stored.
    Plain,
    /// A JSON array of strings stored as text (`authors`, `sources.urls`).
    JsonList,
    /// Strings joined by commas (`sources.roles`).
    CommaList,
    /// A score the analysis computed as a 32-bit float: exported as the
    /// shortest decimal that gives the same 32-bit float (0.8, not
    /// 0.800000011920929).
    Score,
}

/// One column of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The column's name in the exported file.
    pub name: &'static str,
    /// Its type.
    pub ty: ColumnType,
    /// Whether it may be null (empty in CSV).
    pub nullable: bool,
    /// What it holds, in one sentence.
    pub meaning: &'static str,
    /// The SQL expression that reads it (`t` is the table, `a` the article).
    pub(crate) sql: &'static str,
    pub(crate) decode: Decode,
}

const fn col(
    name: &'static str,
    sql: &'static str,
    ty: ColumnType,
    nullable: bool,
    meaning: &'static str,
) -> Column {
    Column {
        name,
        ty,
        nullable,
        meaning,
        sql,
        decode: Decode::Plain,
    }
}

const fn list(
    name: &'static str,
    sql: &'static str,
    decode: Decode,
    meaning: &'static str,
) -> Column {
    Column {
        name,
        ty: ColumnType::Utf8List,
        nullable: false,
        meaning,
        sql,
        decode,
    }
}

/// A `score` column (`t.score`, never null).
const fn score(meaning: &'static str) -> Column {
    Column {
        name: "score",
        ty: ColumnType::Float64,
        nullable: false,
        meaning,
        sql: "t.score",
        decode: Decode::Score,
    }
}

use ColumnType::{Boolean, Float64, Int64, Utf8};

const ARTICLES: &[Column] = &[
    col("id", "t.id", Int64, false, "The article's id in this corpus (the article_id of its spans, quotes, sources and claims)."),
    col("content_hash", "t.content_hash", Utf8, false, "128-bit hash of the text and URL (32 hex digits): the article's identity."),
    col("doc_id", "t.doc_id", Utf8, false, "The reader's document id (file name, JSON Lines id, WARC record)."),
    col("source", "t.source", Utf8, false, "The input it was read from: a path, <stdin>, a URL, or FILE#RECORD for a WARC or JSON Lines record."),
    col("url", "t.url", Utf8, true, "The page's URL (after redirects, when it was fetched)."),
    col("canonical_url", "t.canonical_url", Utf8, true, "The canonical URL the page declares."),
    col("title", "t.title", Utf8, true, "The headline."),
    list("authors", "t.authors", Decode::JsonList, "The bylines, in order (CSV: a JSON array as text, e.g. [\"Ann Lee\",\"Bo Ng\"])."),
    col("outlet", "t.outlet", Utf8, true, "The outlet (site name)."),
    col("published", "t.published", Utf8, true, "The publication date or date-time as the page gives it."),
    col("published_date", "t.published_date", Utf8, true, "The publication day, YYYY-MM-DD, when `published` is an ISO 8601 date."),
    col("original_source", "t.original_source", Utf8, true, "Where a republished article first appeared."),
    col("language", "t.language", Utf8, true, "The language the page declares."),
    col("words", "t.words", Int64, false, "Words in the text."),
    col("technique_spans", "t.technique_spans", Int64, false, "Technique spans found (rows of the spans table)."),
    col("quotes", "t.quotes", Int64, false, "Quotes found (rows of the quotes table)."),
    col("quotation_share", "t.quotation_share", Float64, false, "Fraction (0..1) of the article's non-boilerplate, non-space characters inside quotes."),
    col("named_sources", "t.named_sources", Int64, false, "Distinct cited sources that are not anonymous."),
    col("anonymous_sources", "t.anonymous_sources", Int64, false, "Distinct anonymous sources (\"a senior official\")."),
    col("claims", "t.claims", Int64, false, "Sentences scored for check-worthiness."),
    col("check_worthy_claims", "t.check_worthy_claims", Int64, false, "Sentences scoring at least 0.5 (rows of the claims table)."),
    col("hedged_claims", "t.hedged_claims", Int64, false, "Check-worthy claims qualified by a hedge (\"reportedly\")."),
    col("sourcing", "t.sourcing", Boolean, false, "Whether the sourcing layers (quotes, sources, claims) were computed; when false their counts are 0."),
    col("not_analysed", "t.not_analysed", Utf8, true, "Null when the techniques were analysed; else why not: the code of the warning that set them aside (language: another language; garbled: not prose). Its counts are then 0 and mean nothing; corpus stats counts it apart."),
    col("warnings", "t.warnings", Utf8, false, "The analysis's warnings as a JSON array of the wire format's warning objects (code, message, skipped_layers, language); [] when none."),
    col("tier", "t.tier", Utf8, false, "The technique tier that analysed it: fast or neural."),
    col("model", "t.model", Utf8, false, "The models that analysed it (the analyser's provenance string)."),
    col("analysed_at", "t.analysed_at", Utf8, false, "When it was last analysed (UTC, YYYY-MM-DDTHH:MM:SSZ)."),
    col("added_at", "t.added_at", Utf8, false, "When it was added to the corpus (UTC)."),
    col("text", "t.text", Utf8, false, "The article's clean text; every start/end offset is in code points into it."),
];

/// The article columns joined into every other table.
macro_rules! article_context {
    () => {
        [
            col("id", "t.id", Int64, false, "The row's id in this corpus."),
            col(
                "article_id",
                "t.article_id",
                Int64,
                false,
                "The article it belongs to (the id of the articles table).",
            ),
            col(
                "outlet",
                "a.outlet",
                Utf8,
                true,
                "The article's outlet (site name).",
            ),
            col(
                "published_date",
                "a.published_date",
                Utf8,
                true,
                "The article's publication day, YYYY-MM-DD.",
            ),
            col("url", "a.url", Utf8, true, "The article's URL."),
        ]
    };
}

const fn concat<const A: usize, const B: usize, const N: usize>(
    a: [Column; A],
    b: [Column; B],
) -> [Column; N] {
    assert!(A + B == N);
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

const SPANS: &[Column] = &concat::<5, 6, 11>(
    article_context!(),
    [
        col(
            "technique",
            "t.technique",
            Utf8,
            false,
            "The propaganda technique (PTC label, e.g. Loaded_Language).",
        ),
        col(
            "start",
            "t.start",
            Int64,
            false,
            "First code point of the span in the article text.",
        ),
        col(
            "end",
            "t.\"end\"",
            Int64,
            false,
            "Code point after the span.",
        ),
        score("Confidence in [0, 1]."),
        col(
            "provenance",
            "t.provenance",
            Utf8,
            true,
            "The model or rule that produced the span, when known.",
        ),
        col(
            "text",
            "t.text",
            Utf8,
            false,
            "The span's text (the code points start..end of the article text).",
        ),
    ],
);

const QUOTES: &[Column] = &concat::<5, 10, 15>(
    article_context!(),
    [
        col(
            "quote_key",
            "t.quote_key",
            Utf8,
            false,
            "The quote's id inside its article (q1, q2, …), as in the JSON output.",
        ),
        col(
            "kind",
            "t.kind",
            Utf8,
            false,
            "direct, indirect, mixed or block.",
        ),
        col(
            "speaker",
            "t.speaker",
            Utf8,
            true,
            "The speaker's resolved name, when known.",
        ),
        col(
            "speaker_kind",
            "t.speaker_kind",
            Utf8,
            true,
            "The speaker's source kind (person, government, news_outlet, …), when known.",
        ),
        col(
            "cue",
            "t.cue",
            Utf8,
            true,
            "The speech cue as written (\"said\", \"according to\").",
        ),
        col(
            "medium",
            "t.medium",
            Utf8,
            true,
            "Where the quote appeared (an outlet, a blog), when given.",
        ),
        score("Confidence in [0, 1]."),
        col(
            "start",
            "t.start",
            Int64,
            false,
            "First code point of the quoted content in the article text.",
        ),
        col("end", "t.\"end\"", Int64, false, "Code point after it."),
        col("text", "t.text", Utf8, false, "The quoted content."),
    ],
);

const SOURCES: &[Column] = &concat::<5, 5, 10>(
    article_context!(),
    [
        col("name", "t.name", Utf8, false, "The source's canonical (longest) name in the article."),
        col("kind", "t.kind", Utf8, false, "person, news_outlet, blog, think_tank, government, organisation, document, anonymous or unknown."),
        col("mentions", "t.mentions", Int64, false, "How many times the article mentions it."),
        list("roles", "t.roles", Decode::CommaList, "How it is used: quoted, cited, linked (each at most once, in that order; CSV: a JSON array as text)."),
        list("urls", "t.urls", Decode::JsonList, "The URLs it is linked with (CSV: a JSON array as text)."),
    ],
);

const CLAIMS: &[Column] = &concat::<5, 7, 12>(
    article_context!(),
    [
        col(
            "claim_key",
            "t.claim_key",
            Utf8,
            false,
            "The claim's id inside its article (c1, c2, …), as in the JSON output.",
        ),
        score("Check-worthiness in [0, 1] (at least 0.5: only check-worthy sentences are stored)."),
        col(
            "certainty",
            "t.certainty",
            Utf8,
            false,
            "hedged, boosted or plain.",
        ),
        col(
            "quoted",
            "t.quoted",
            Boolean,
            false,
            "Whether the sentence is inside a quote.",
        ),
        col(
            "start",
            "t.start",
            Int64,
            false,
            "First code point of the sentence in the article text.",
        ),
        col("end", "t.\"end\"", Int64, false, "Code point after it."),
        col("text", "t.text", Utf8, false, "The sentence."),
    ],
);
