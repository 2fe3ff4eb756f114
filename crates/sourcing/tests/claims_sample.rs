//! Hedges, boosters, claims and quantities on the sample article
//! (`examples/syria-ceasefire-opinion.md`), read by the Markdown reader.
//! Attributions and entities are passed empty: these checks cover the
//! rule-based fallbacks of `claims` on their own.

use unspin_document::Document;
use unspin_readers::{read_markdown_path, ReadOptions};
use unspin_sourcing::claims::{
    claim_spans, find_claims, marker_spans, quantities, Claim, ClaimCertainty, CHECK_WORTHY,
};
use unspin_sourcing::hedges::{find_markers, Certainty, CertaintyMarker};
use unspin_testkit::workspace_root;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The sample document with its markers and claims.
type Sample = (Document, Vec<CertaintyMarker>, Vec<Claim>);

fn sample() -> Result<Sample, Box<dyn std::error::Error>> {
    let path = workspace_root().join("examples/syria-ceasefire-opinion.md");
    let doc = read_markdown_path(&path, &ReadOptions::default())?;
    let markers = find_markers(&doc);
    let claims = find_claims(&doc, &markers, &[], &[]);
    Ok((doc, markers, claims))
}

/// The claim whose sentence contains `needle`.
fn claim<'a>(doc: &Document, claims: &'a [Claim], needle: &str) -> &'a Claim {
    claims
        .iter()
        .find(|c| doc.text()[c.range.clone()].contains(needle))
        .unwrap_or_else(|| panic!("no claim contains {needle:?}"))
}

#[test]
fn sample_markers() -> TestResult {
    let (doc, markers, _) = sample()?;
    let text = doc.text();
    let found: Vec<(&str, Certainty, &str)> = markers
        .iter()
        .map(|m| (&text[m.range.clone()], m.kind, m.marker.as_str()))
        .collect();
    for expected in [
        ("IMO", Certainty::Hedge, "imo"),
        ("unconfirmed report", Certainty::Hedge, "unconfirmed report"),
        (
            "If this report is correct",
            Certainty::Hedge,
            "if this report is correct",
        ),
        ("about", Certainty::Hedge, "about"),
        ("may be", Certainty::Hedge, "may be"),
        (
            "According to recent reports",
            Certainty::Hedge,
            "according to recent reports",
        ),
        ("I don't believe", Certainty::Hedge, "i don't believe"),
        ("appear to", Certainty::Hedge, "appear to"),
        ("Naturally", Certainty::Booster, "naturally"),
        ("Bottom line", Certainty::Booster, "bottom line"),
        ("Of course", Certainty::Booster, "of course"),
        ("The fact is", Certainty::Booster, "the fact is"),
        ("in fact", Certainty::Booster, "in fact"),
        ("certainly", Certainty::Booster, "certainly"),
    ] {
        assert!(
            found.contains(&expected),
            "missing {expected:?} in {found:?}"
        );
    }
    // "IMO (In my opinion)" is one hedge; IMO occurs twice in the article.
    assert_eq!(found.iter().filter(|f| f.2 == "imo").count(), 2);
    assert!(!found.iter().any(|f| f.2 == "in my opinion"));
    // Nothing from the footer (boilerplate) or the datelines.
    let footer = text
        .find("The original source of this article")
        .ok_or("footer")?;
    assert!(markers.iter().all(|m| m.range.start < footer));
    // Sorted, non-overlapping.
    assert!(markers
        .windows(2)
        .all(|w| w[0].range.end <= w[1].range.start));
    Ok(())
}

#[test]
fn sample_claims_rank_facts_above_opinions() -> TestResult {
    let (doc, _, claims) = sample()?;
    for needle in [
        "US warplanes targeted an SAA military outpost killing 62 Syrian regulars",
        "a Russian force with 3,000 men has been positioned",
        "the Pentagon launched this unprecedented attack that killed 62 Syrian soldiers",
        "the Syrian and Russian air forces have intensified their bombing campaign",
        "Carter opposed the ceasefire deal",
        "just two days before critical parts of the agreement",
    ] {
        let c = claim(&doc, &claims, needle);
        assert!(c.score >= CHECK_WORTHY, "{needle}: {}", c.score);
    }
    for needle in [
        "This is an excellent plan.",
        "History forgotten.",
        "Why?",
        "Sound familiar?",
        "This is complete baloney.",
        "Mission accomplished.",
        "Bingo.",
        "IMO this is a secondary attack",
        "Split up the country, install new leaders",
        "The attack on Deir Ezzor was a flagrant act of betrayal.",
        "Of course, it would.",
        "We will now have a demonstration",
    ] {
        let c = claim(&doc, &claims, needle);
        assert!(c.score < CHECK_WORTHY, "{needle}: {}", c.score);
    }
    // The best claims are the ones with numbers and actors.
    let best = claims
        .iter()
        .max_by(|a, b| a.score.total_cmp(&b.score))
        .ok_or("no claims")?;
    assert!(!best.quantities.is_empty());
    Ok(())
}

#[test]
fn sample_claims_skip_title_and_boilerplate() -> TestResult {
    let (doc, _, claims) = sample()?;
    let text = doc.text();
    for c in &claims {
        let s = &text[c.range.clone()];
        assert!(!s.contains("Putin Ups the Ante"), "title scored: {s}");
        assert!(
            !s.contains("Global Research, September 28"),
            "dateline: {s}"
        );
        assert!(!s.contains("Disclaimer"), "footer: {s}");
        assert!((0.0..=1.0).contains(&c.score));
    }
    Ok(())
}

#[test]
fn sample_claim_certainty_and_quotes() -> TestResult {
    let (doc, markers, claims) = sample()?;
    let sohr = claim(&doc, &claims, "unconfirmed report from SOHR");
    assert_eq!(sohr.certainty, ClaimCertainty::Hedged);
    assert!(sohr.quoted, "inside Colonel Lang's block quote");
    let marker_names: Vec<&str> = sohr
        .markers
        .iter()
        .map(|&i| markers[i].marker.as_str())
        .collect();
    assert_eq!(marker_names, ["unconfirmed report", "about"]);
    assert_eq!(
        claim(&doc, &claims, "Of course, it would.").certainty,
        ClaimCertainty::Boosted
    );
    let plain = claim(&doc, &claims, "US warplanes targeted");
    assert_eq!(plain.certainty, ClaimCertainty::Plain);
    assert!(!plain.quoted);
    assert!(claim(&doc, &claims, "I don't believe the United States").quoted);

    // Layers: ids in order, markers point at their claim.
    let spans = claim_spans(&claims);
    assert_eq!(spans.len(), claims.len());
    let sohr_index = claims
        .iter()
        .position(|c| c.range == sohr.range)
        .ok_or("sohr")?;
    let sohr_id = format!("c{}", sohr_index + 1);
    assert_eq!(spans[sohr_index].attrs["id"], sohr_id.as_str());
    assert_eq!(spans[sohr_index].attrs["certainty"], "hedged");
    assert_eq!(spans[sohr_index].attrs["quoted"], true);
    let hedges = marker_spans(&markers, &claims);
    let unconfirmed = hedges
        .iter()
        .find(|s| s.attrs["marker"] == "unconfirmed report")
        .ok_or("marker span")?;
    assert_eq!(unconfirmed.attrs["claim"], sohr_id.as_str());
    assert_eq!(unconfirmed.label, "hedge");
    // The spans fit the document.
    let mut doc = doc;
    doc.set_layer(unspin_document::layers::CLAIM, spans)?;
    doc.set_layer(unspin_document::layers::HEDGE, hedges)?;
    Ok(())
}

#[test]
fn sample_quantities() -> TestResult {
    let (doc, _, claims) = sample()?;
    let text = doc.text();
    let all: Vec<_> = quantities(text);
    let find = |needle: &str| {
        all.iter()
            .find(|q| q.text.starts_with(needle))
            .unwrap_or_else(|| panic!("no quantity {needle:?} in {all:?}"))
    };
    assert_eq!(find("62").value, 62.0);
    let men = find("3,000");
    assert_eq!((men.value, men.unit.as_deref()), (3000.0, Some("men")));
    let km = find("about 12 km");
    assert_eq!((km.value, km.unit.as_deref()), (12.0, Some("km")));
    let millions = find("over 7 million");
    assert_eq!(millions.value, 7e6);
    let war = find("five year");
    assert_eq!((war.value, war.unit.as_deref()), (5.0, Some("year")));
    // Years and dates are not quantities.
    assert!(!all
        .iter()
        .any(|q| q.text.contains("2016") || q.text.contains("2012")));
    assert!(
        !all.iter().any(|q| q.text == "24"),
        "September 24 is a date"
    );
    // "R+6" is a name.
    assert!(!all.iter().any(|q| q.text == "6"));
    // Every range slices to its text.
    for q in &all {
        assert_eq!(&text[q.range.clone()], q.text);
    }
    // Claims carry their quantities with document ranges.
    let c = claim(&doc, &claims, "US warplanes targeted");
    let qs: Vec<(&str, f64)> = c
        .quantities
        .iter()
        .map(|q| (&text[q.range.clone()], q.value))
        .collect();
    assert_eq!(qs, [("five year", 5.0), ("62", 62.0)]);
    Ok(())
}
