//! Copies in a corpus: linking is incremental (only new articles are
//! compared), clusters and origins come back from the links, and a
//! version-1 corpus gets its signatures after the migration.

use std::time::Duration;

use unspin_corpus::{ArticleRecord, Corpus, Mode, Provenance, Role};
use unspin_document::Document;

const WAIT: Duration = Duration::from_millis(300);

const STORY: &str =
    "The ceasefire agreed in Geneva last week collapsed on Monday after air strikes hit \
the eastern districts of the city, killing dozens of people.\n\n\
Officials on both sides blamed each other for the violence in a series of statements issued late \
in the evening, and each promised a firm answer.\n\n\
Aid agencies said their convoys had been waiting at the checkpoints for three days and could not \
reach the families who needed help the most.\n\n\
Diplomats said a new round of talks was unlikely before the end of the month, as neither \
government was willing to make the first move.\n";

const OTHER: &str = "The city council approved a new budget on Tuesday that raises spending on \
schools and public transport while cutting the cost of administration.\n\n\
The mayor said the plan would be paid for by a small increase in property taxes and by selling \
two office buildings that have stood empty for years.\n";

fn record(id: &str, text: &str, outlet: &str, date: &str, original: Option<&str>) -> ArticleRecord {
    let mut doc = Document::new(id, text);
    doc.metadata.site_name = Some(outlet.to_string());
    doc.metadata.published = Some(date.to_string());
    doc.metadata.original_source = original.map(str::to_string);
    let provenance = Provenance {
        source: format!("{id}.txt"),
        tier: "fast".into(),
        model: "test".into(),
        sourcing: false,
    };
    ArticleRecord::new(&doc, provenance).unwrap()
}

fn link(c: &mut Corpus) -> unspin_corpus::LinkReport {
    c.link_copies(&mut |_, _| {}).unwrap()
}

#[test]
fn linking_is_incremental_and_clusters_have_dated_origins() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Corpus::open(&dir.path().join("c.db"), Mode::Create, WAIT).unwrap();
    let copy = format!("Geneva Truce In Ruins\n\nBy Staff\n\n{STORY}\nThis article was originally published by Wire.\n");
    c.insert(&[
        record("origin", STORY, "Wire", "2020-03-02", None),
        record("copy", &copy, "Mirror", "2020-03-03", None),
        record("other", OTHER, "Council News", "2020-03-02", None),
    ])
    .unwrap();
    assert_eq!(c.unlinked_articles().unwrap(), 3);
    let first = link(&mut c);
    assert_eq!((first.compared, first.copies, first.partials), (3, 1, 0));
    assert_eq!(c.unlinked_articles().unwrap(), 0);

    // A trimmed copy added later: only it is compared.
    let trimmed: String = STORY.split("\n\n").take(3).collect::<Vec<_>>().join("\n\n");
    c.insert(&[record("trimmed", &trimmed, "Echo", "2020-03-05", None)])
        .unwrap();
    let second = link(&mut c);
    assert_eq!(second.compared, 1);
    assert_eq!(
        second.copies, 2,
        "the trimmed copy links to both earlier versions"
    );

    let clusters = c.copy_clusters(0.0, true).unwrap();
    assert_eq!(clusters.len(), 1);
    let members = &clusters[0].members;
    assert_eq!(clusters[0].origin, 1);
    assert_eq!(members[0].role, Role::Origin);
    assert_eq!(members[0].basis.as_str(), "date");
    assert_eq!(members.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 2, 4]);
    let trimmed_changes = members[2].changes.as_ref().unwrap();
    assert_eq!(trimmed_changes.paragraphs_removed.len(), 1);
    // A high bar leaves the trimmed copy (similarity 0.75) out.
    let strict = c.copy_clusters(0.9, false).unwrap();
    assert_eq!(strict[0].members.len(), 2);
    assert!(strict[0].members[1].changes.is_none());
}

#[test]
fn a_version_1_corpus_gets_signatures_after_migrating() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut c = Corpus::open(&path, Mode::Create, WAIT).unwrap();
        c.insert(&[
            record("a", STORY, "Wire", "2020-03-02", None),
            record(
                "b",
                &format!("{STORY}\nSource: Wire\n"),
                "Mirror",
                "2020-03-01",
                Some("Wire"),
            ),
        ])
        .unwrap();
        // Make it look like a corpus written before copies existed.
        c.connection()
            .execute_batch(
                "DROP TABLE copy_links; DROP TABLE copy_signatures;
                 DROP INDEX articles_not_analysed; DROP INDEX articles_stats;
                 ALTER TABLE articles DROP COLUMN warnings;
                 ALTER TABLE articles DROP COLUMN not_analysed;
                 CREATE INDEX articles_stats ON articles(id, outlet, published_date, words,
                    technique_spans, sourcing, quotes, quotation_share, named_sources,
                    anonymous_sources, check_worthy_claims, hedged_claims);
                 PRAGMA user_version = 1;",
            )
            .unwrap();
    }
    let mut c = Corpus::open(&path, Mode::ReadWrite, WAIT).unwrap();
    assert_eq!(
        c.info().unwrap().schema_version,
        unspin_corpus::SCHEMA_VERSION
    );
    assert_eq!(c.unlinked_articles().unwrap(), 2);
    let report = link(&mut c);
    assert_eq!((report.signed, report.compared, report.copies), (2, 2, 1));
    let clusters = c.copy_clusters(0.0, false).unwrap();
    // "Source: Wire" beats the earlier date of the copy.
    assert_eq!(clusters[0].origin, 1);
    assert_eq!(clusters[0].members[0].basis.as_str(), "original_source");
}

#[test]
fn a_partial_re_use_is_listed_beside_its_source_not_in_a_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Corpus::open(&dir.path().join("p.db"), Mode::Create, WAIT).unwrap();
    let long =
        "The report, which runs to more than two hundred pages and was prepared over eighteen \
months by a panel of independent experts from four countries, concludes that the ceasefire failed \
because neither side had been given any reason to believe the other would keep its word, and it \
recommends that observers be stationed in every district before any new agreement is signed.";
    let source = format!("{STORY}\n{long}\n");
    let commentary =
        "Commentators in the capital were quick to draw their own conclusions from the \
document, and several members of parliament demanded a debate before the summer recess began.\n\n\
Opposition leaders said the government had ignored warnings for months and should now explain why \
it had supported an agreement that so many people had expected to fail from the very start.\n";
    let reuse = format!("{long}\n\n{commentary}");
    c.insert(&[
        record("reuser", &reuse, "Daily Opinion", "2020-04-02", None),
        record("source", &source, "Wire", "2020-04-01", None),
    ])
    .unwrap();
    let report = link(&mut c);
    assert_eq!((report.copies, report.partials), (0, 1));
    let clusters = c.copy_clusters(0.0, true).unwrap();
    assert_eq!(clusters.len(), 1);
    let m = &clusters[0].members;
    assert_eq!(
        (m[0].id, m[0].role, m[0].basis.as_str()),
        (2, Role::Origin, "date")
    );
    assert_eq!((m[1].id, m[1].role), (1, Role::Partial));
    assert!(m[1].changes.is_none(), "changes are for copies only");
    // A partial re-user is not a copy in the statistics.
    assert_eq!(c.copy_roles().unwrap()[&1].role, Role::Partial);
}
