//! The HTML page of `unspin corpus copies`: every cluster of copies with its
//! origin, members and what each copy changed.

use serde::Serialize;

use crate::HtmlError;

const TEMPLATE_NAME: &str = "copies.html";
const TEMPLATE: &str = include_str!("../templates/copies.html");

/// Renders the clusters (anything that serialises like the JSON Lines of
/// `unspin corpus copies`: a list of `{cluster, origin, members: [...]}`)
/// as one standalone, escaped HTML page titled after `corpus`.
///
/// # Errors
/// When the template cannot render the data (a field it needs is missing).
pub fn copies_html(corpus: &str, clusters: &impl Serialize) -> Result<String, HtmlError> {
    // Origins have no `changes`: undefined values read as empty.
    crate::html::render(
        TEMPLATE_NAME,
        TEMPLATE,
        minijinja::context! { corpus => corpus, clusters => clusters },
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_render_escaped_with_changes() {
        let clusters = serde_json::json!([{
            "cluster": 1, "origin": 2,
            "members": [
                {"id": 2, "path": "a.html", "url": null, "outlet": "CounterPunch", "published": "2016-09-27",
                 "title": "Original <headline>", "role": "origin", "similarity": 1.0, "basis": "original_source"},
                {"id": 1, "path": "b.md", "url": "https://example.org/b", "outlet": "Global Research",
                 "published": "2016-09-28", "title": "Sabotage!", "role": "copy", "similarity": 0.93,
                 "basis": "original_source",
                 "changes": {"headline": {"origin": "Original <headline>", "copy": "Sabotage!"},
                    "paragraphs_added": [], "paragraphs_removed": ["Gone paragraph."],
                    "paragraphs_edited": [], "paragraphs_moved": 0,
                    "boilerplate_added": ["Region: Middle East"], "boilerplate_removed": [],
                    "techniques_added": [{"technique": "Loaded_Language", "text": "Sabotage", "where": "headline"}],
                    "techniques_dropped": []}}
            ]
        }]);
        let html = copies_html("news.db", &clusters).unwrap();
        assert!(html.contains("Original &lt;headline&gt;"));
        assert!(html.contains("Loaded_Language"));
        assert!(html.contains("Gone paragraph."));
        assert!(html.contains("original_source"));
        assert!(!html.contains("<headline>"));
    }
}
