//! Annotated corpora (PolNeAR's brat folders) read as training articles.

use std::path::Path;

use unspin_readers::{read_attribution_corpus, AttributionArticle, ReadError};

use crate::TrainingArticle;

impl From<&AttributionArticle> for TrainingArticle {
    fn from(article: &AttributionArticle) -> TrainingArticle {
        TrainingArticle::from_char_ranges(
            article.document.id.clone(),
            article.document.text(),
            article.role_pieces(),
        )
    }
}

/// Reads an annotated attribution corpus folder (a PolNeAR split such as
/// `polnear/data/train`) as training articles, gold offsets in bytes.
///
/// # Errors
/// When the folder cannot be read or an annotation file is malformed.
pub fn read_training_articles(dir: impl AsRef<Path>) -> Result<Vec<TrainingArticle>, ReadError> {
    Ok(read_attribution_corpus(dir)?
        .iter()
        .map(TrainingArticle::from)
        .collect())
}
