//! The evidence trail: who and what an article cites.
//!
//! [`find_sources`] collects mentions of sources, each with a role:
//!
//! * **Quoted**: the speakers of attributions (resolved names; pronouns that
//!   could not be resolved are left out), and anonymous sources next to a
//!   speech cue ("officials said", "sources say", "according to a senior
//!   official", "from a commenter").
//! * **Cited**: the media attributions appeared in (a block quote's citation
//!   line), parenthetical citations `("Title", Author, Outlet)` / `(NYT)`,
//!   outlets and organisations after "according to", "reported by", "a
//!   report by / from", "writing in", "an article in / at", "an op-ed in",
//!   "told", or before "reported"; documents ("the UN report", "a 2015
//!   study", "the 2012 Defense Intelligence Agency report", "a leaked memo").
//! * **Linked**: links with a real URL (named after a known host, e.g.
//!   `nytimes.com` → New York Times, or a blog platform such as blogspot,
//!   wordpress, substack, medium, typepad → a blog; otherwise the host, kind
//!   unknown), and links without one (the scraped `#`) whose anchor is a
//!   named entity or the title of a citation (then named after the
//!   citation's outlet).
//!
//! Mentions inside the `boilerplate` layer (bylines, datelines, footers) are
//! ignored: the site that republished an article and its original publisher
//! are publication metadata (see `Metadata::site_name` /
//! `original_source`), not sources the article cites.
//!
//! The mentions are de-duplicated per article, from the `source` layer alone,
//! by `unspin_writers::cited_sources`.

mod find;
mod hosts;
#[cfg(test)]
mod tests;
mod types;

pub use find::{find_sources, find_sources_in, source_spans};
pub use types::{SourceMention, SourceRole, PROVENANCE};
