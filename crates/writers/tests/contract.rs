//! The layer contract of `unspin-document` (layer names, typed attribute
//! keys) and the JSON wire types, checked against their other two readers:
//! `docs/json-format.md` and the web page (`crates/server/assets/app.js`
//! and `evidence.js`).
//!
//! Renaming a layer, an attribute key or a wire field makes one of these
//! tests fail until the documentation and the page follow.

use std::collections::BTreeSet;

use serde_json::Value;
use unspin_document::{attrs, layers};

const DOCS: &str = include_str!("../../../docs/json-format.md");
/// The web page's scripts, one after the other.
const APP_JS: &str = concat!(
    include_str!("../../server/assets/app.js"),
    "\n",
    include_str!("../../server/assets/evidence.js")
);
/// A whole analysed article in the wire format (see `golden.rs`).
const SAMPLE: &str = include_str!("data/syria-ceasefire-opinion.fast.json");

/// Fields app.js reads that belong to other API responses or requests,
/// not to the document (`/api/health`, the request, the event stream's
/// `status` events).
const NOT_DOCUMENT_FIELDS: [&str; 3] = ["max_body_bytes", "force_language", "estimate_s"];

/// The `## \`layers\`` section of the docs, up to the span table.
fn docs_layers_section() -> &'static str {
    let start = DOCS
        .find("## `layers`")
        .expect("docs have a layers section");
    let end = start + DOCS[start..].find("### Span").expect("then a Span table");
    &DOCS[start..end]
}

/// The quoted names in app.js's `const NAME = new Set([...]);`.
fn js_set(name: &str) -> BTreeSet<String> {
    let decl = format!("const {name} = new Set([");
    let start = APP_JS
        .find(&decl)
        .unwrap_or_else(|| panic!("app.js declares {name}"));
    let body = &APP_JS[start + decl.len()..];
    let body = &body[..body.find("])").expect("the set literal ends")];
    body.split(',')
        .map(|s| s.trim().trim_matches('\'').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Every `.name` property access in app.js (identifiers after a dot).
fn js_properties() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = APP_JS.as_bytes();
    for (i, _) in APP_JS.match_indices('.') {
        let rest = &APP_JS[i + 1..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let ident = &rest[..len];
        let after_ident =
            i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || b")]_".contains(&bytes[i - 1]));
        if after_ident && ident.starts_with(|c: char| c.is_ascii_lowercase()) {
            out.insert(ident.to_string());
        }
    }
    out
}

/// Every object key anywhere in `value`.
fn keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

fn sample() -> Value {
    serde_json::from_str(SAMPLE).unwrap()
}

#[test]
fn docs_list_every_layer() {
    let documented: BTreeSet<&str> = docs_layers_section()
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let contract: BTreeSet<&str> = layers::ALL.into_iter().collect();
    assert_eq!(
        documented, contract,
        "the layer table of docs/json-format.md"
    );
}

#[test]
fn docs_name_every_attribute() {
    let section = docs_layers_section();
    for name in attrs::ALL_NAMES {
        assert!(
            section.contains(&format!("`{name}`")),
            "docs/json-format.md does not document the attribute `{name}`"
        );
    }
}

#[test]
fn web_page_layer_sets_are_the_contract() {
    let sourcing = js_set("SOURCING_LAYERS");
    let expected: BTreeSet<String> = layers::SOURCING.iter().map(|s| s.to_string()).collect();
    assert_eq!(sourcing, expected, "app.js SOURCING_LAYERS");
    // The structure layers (and techniques) are every other layer.
    let structural = js_set("STRUCTURAL");
    let expected: BTreeSet<String> = layers::ALL
        .iter()
        .filter(|l| !layers::SOURCING.contains(l))
        .map(|s| s.to_string())
        .collect();
    assert_eq!(structural, expected, "app.js STRUCTURAL");
    // Layers read by name: `layers.technique`, `layers.title`.
    for (i, _) in APP_JS.match_indices("layers.") {
        // `layers.x`, not `skipped_layers.length`.
        let before = APP_JS[..i].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &APP_JS[i + "layers.".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        assert!(
            layers::ALL.contains(&name.as_str()),
            "app.js reads layers.{name}"
        );
    }
}

#[test]
fn web_page_reads_only_wire_fields() {
    let mut wire = BTreeSet::new();
    keys(&sample(), &mut wire);
    // The sample has no warnings: a warning's fields come from the type.
    let warning = unspin_document::Warning {
        code: unspin_document::WarningCode::Language,
        message: String::new(),
        skipped_layers: Vec::new(),
        language: Some("deu".into()),
    };
    keys(&serde_json::to_value(warning).unwrap(), &mut wire);
    // Fields with an underscore are surely wire fields (JavaScript's own
    // properties are camelCase): each must exist.
    for p in js_properties().iter().filter(|p| p.contains('_')) {
        assert!(
            wire.contains(p) || NOT_DOCUMENT_FIELDS.contains(&p.as_str()),
            "app.js reads `.{p}`, which the JSON output does not have"
        );
    }
}

#[test]
fn web_page_fields_exist_where_it_reads_them() {
    let doc = sample();
    let ev = &doc["sourcing"];
    let technique = &doc["layers"][layers::TECHNIQUE][0];
    let claims = ev["claims"].as_array().unwrap();
    let marker = claims.iter().find_map(|c| c["markers"].get(0)).unwrap();
    let quantity = claims.iter().find_map(|c| c["quantities"].get(0)).unwrap();
    // (what, the wire object, the fields app.js reads from it)
    let reads: [(&str, &Value, &[&str]); 11] = [
        (
            "document",
            &doc,
            &["id", "text", "metadata", "layers", "summary", "sourcing"],
        ),
        (
            "metadata",
            &doc["metadata"],
            &["title", "authors", "published", "language"],
        ),
        ("summary", &doc["summary"], &["words"]),
        (
            "span",
            technique,
            &["start", "end", "label", "score", "text", "explanation"],
        ),
        ("sourcing", ev, &["summary", "sources", "quotes", "claims"]),
        ("sourcing summary", &ev["summary"], &["quotes", "claims"]),
        (
            "source",
            &ev["sources"][0],
            &["name", "kind", "roles", "mentions", "urls"],
        ),
        (
            "quote",
            &ev["quotes"][0],
            &["speaker", "cue", "text", "kind", "medium"],
        ),
        (
            "claim",
            &claims[0],
            &[
                "score",
                "certainty",
                "quantities",
                "markers",
                "start",
                "text",
            ],
        ),
        ("marker", marker, &["start", "end", "kind", "marker"]),
        ("quantity", quantity, &["text"]),
    ];
    let props = js_properties();
    for (what, object, fields) in reads {
        for field in fields {
            assert!(
                props.contains(*field),
                "app.js no longer reads `.{field}`: update this test"
            );
            assert!(
                object.get(field).is_some(),
                "app.js reads `.{field}` of a {what}, which the JSON output does not have"
            );
        }
    }
}
