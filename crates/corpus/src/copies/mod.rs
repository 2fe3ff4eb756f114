//! Copies and syndication inside a corpus: signatures are stored when an
//! article is added ([`crate::ArticleRecord::copy_signature`]); [`link`]
//! compares new articles with the corpus and stores confirmed links;
//! [`clusters`] reads clusters, origins and changes back. The algorithms
//! are in `unspin-copies`.

pub mod clusters;
pub mod link;
