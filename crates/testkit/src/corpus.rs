//! A tiny hand-made PTC corpus: six short articles with gold technique
//! labels, enough to train a model in well under a second.

use std::fs;
use std::path::Path;

use crate::char_range;

/// One hand-made PTC article: id, text and its `(technique, fragment)`
/// labels (each fragment occurs in the text; its first occurrence is meant).
pub type Article = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// A small PTC corpus of [`Article`]s. Curly quotes and dashes make code
/// point and byte offsets differ.
pub const CORPUS: &[Article] = &[
    (
        "101",
        "Traitors in the capital\n\nThe \u{201c}corrupt traitors\u{201d} in the capital have betrayed us again.\nThe budget was published on Monday.\nOnly a fool would believe their lies \u{2014} wake up!\n",
        &[("Name_Calling,Labeling", "corrupt traitors"), ("Loaded_Language", "betrayed"), ("Slogans", "wake up!")],
    ),
    (
        "102",
        "A nation in danger\n\nIf we do nothing, our towns will burn and our children will starve.\nThe council met on Tuesday to discuss the roads.\nThese shameful cowards want to destroy everything we love.\n",
        &[("Appeal_to_fear-prejudice", "our towns will burn and our children will starve"), ("Name_Calling,Labeling", "shameful cowards"), ("Loaded_Language", "destroy everything")],
    ),
    (
        "103",
        "Questions nobody asks\n\nCan we really trust anything the ministry says?\nThe report has 40 pages and three appendices.\nThe disgraceful, criminal regime lies again and again.\n",
        &[("Doubt", "Can we really trust anything the ministry says?"), ("Loaded_Language", "disgraceful, criminal regime")],
    ),
    (
        "104",
        "Stand with the flag\n\nEvery true patriot stands with our great nation.\nThe meeting ended at noon.\nThe evil elites \u{2014} those treacherous liars \u{2014} must go.\n",
        &[("Flag-Waving", "Every true patriot stands with our great nation"), ("Name_Calling,Labeling", "treacherous liars"), ("Loaded_Language", "evil elites")],
    ),
    (
        "105",
        "Experts agree\n\nAll the top scientists agree that the plan is a disaster.\nTrains run every hour on weekdays.\nThese vile, corrupt crooks have ruined the country.\n",
        &[("Appeal_to_Authority", "All the top scientists agree"), ("Loaded_Language", "vile, corrupt crooks"), ("Loaded_Language", "ruined")],
    ),
    (
        "106",
        "Either us or them\n\nThere are only two choices: total victory or total defeat.\nThe library opens at nine.\nThe monstrous traitors have sold us out.\n",
        &[("Black-and-White_Fallacy", "There are only two choices: total victory or total defeat"), ("Name_Calling,Labeling", "monstrous traitors"), ("Loaded_Language", "sold us out")],
    ),
];

/// Writes [`CORPUS`] as a PTC folder into `dir`: `articles/article{id}.txt`
/// and `labels/article{id}.labels` (tab-separated id, technique, code point
/// start and end).
///
/// # Errors
/// When a folder or file cannot be written.
pub fn write_corpus(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir.join("articles"))?;
    fs::create_dir_all(dir.join("labels"))?;
    for (id, text, labels) in CORPUS {
        fs::write(dir.join(format!("articles/article{id}.txt")), text)?;
        let mut lines = String::new();
        for (technique, fragment) in labels.iter() {
            let (start, end) = char_range(text, fragment);
            lines.push_str(&format!("{id}\t{technique}\t{start}\t{end}\n"));
        }
        fs::write(dir.join(format!("labels/article{id}.labels")), lines)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_written_with_code_point_labels() -> crate::TestResult {
        let dir = std::env::temp_dir().join(format!("unspin-testkit-{}", std::process::id()));
        write_corpus(&dir)?;
        let labels = fs::read_to_string(dir.join("labels/article101.labels"))?;
        let text = fs::read_to_string(dir.join("articles/article101.txt"))?;
        fs::remove_dir_all(&dir)?;
        let first = labels.lines().next().ok_or("no label")?;
        let cols: Vec<&str> = first.split('\t').collect();
        let (s, e): (usize, usize) = (cols[2].parse()?, cols[3].parse()?);
        let fragment: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(fragment, "corrupt traitors");
        Ok(())
    }
}
