//! Finding inputs on disk: PTC corpus folders and lists of text files.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use unspin_document::Document;

use crate::{attach_gold, read_ptc_article, read_ptc_labels, ReadError};

/// The extensions (compared case-insensitively) that [`collect_inputs`] takes
/// from directories.
pub const INPUT_EXTENSIONS: &[&str] = &[
    "txt", "md", "text", "ptc", "markdown", "html", "htm", "xhtml", "warc", "gz", "jsonl", "ndjson",
];

/// The label file suffixes looked up beside an article `STEM.txt`, in order of
/// preference: technique labels before span-only ones.
pub const LABEL_SUFFIXES: &[&str] = &[".labels", ".task-flc-tc.labels", ".task-si.labels"];

/// Reads a PTC corpus folder into documents sorted by id, with gold labels
/// attached where a labels file exists.
///
/// Two layouts are accepted:
/// - the shared layout: `dir/articles/article*.txt` and
///   `dir/labels/article*.labels`;
/// - a flat folder of `article*.txt`.
///
/// The labels of `articleID.txt` are the first of `articleID.labels`,
/// `articleID.task-flc-tc.labels` and `articleID.task-si.labels` found in
/// `dir/labels/` (shared layout) or beside the article. An article without a
/// labels file has no [`technique`](unspin_document::layers::TECHNIQUE) layer;
/// labels files without an article are ignored. Ids are ordered numerically
/// when both are numbers, otherwise as strings.
///
/// # Errors
/// [`ReadError::NotFound`] / [`ReadError::NotADirectory`] for a bad `dir`,
/// [`ReadError::NoArticles`] when no article is found, and the first error of
/// [`read_ptc_article`], [`read_ptc_labels`] or [`attach_gold`].
pub fn read_ptc_dir(dir: impl AsRef<Path>) -> Result<Vec<Document>, ReadError> {
    let dir = dir.as_ref();
    check_dir(dir)?;
    let (articles_dir, labels_dir) = if dir.join("articles").is_dir() {
        let labels = dir.join("labels");
        (dir.join("articles"), labels.is_dir().then_some(labels))
    } else {
        (dir.to_path_buf(), None)
    };
    let articles = find_articles(&articles_dir, "article*.txt")?;
    if articles.is_empty() {
        return Err(ReadError::NoArticles {
            dir: dir.to_path_buf(),
        });
    }
    let mut docs = Vec::with_capacity(articles.len());
    for path in articles {
        let mut doc = read_ptc_article(&path)?;
        if let Some(labels_path) = find_labels(&path, labels_dir.as_deref()) {
            let labels = read_ptc_labels(&labels_path)?;
            attach_gold(&mut doc, &labels)?;
        }
        docs.push(doc);
    }
    docs.sort_by(|a, b| id_order(&a.id, &b.id));
    Ok(docs)
}

fn find_labels(article: &Path, labels_dir: Option<&Path>) -> Option<PathBuf> {
    let stem = article.file_stem()?.to_str()?;
    let beside = article.parent().unwrap_or(Path::new(""));
    labels_dir
        .into_iter()
        .chain([beside])
        .flat_map(|dir| {
            LABEL_SUFFIXES
                .iter()
                .map(move |suffix| dir.join(format!("{stem}{suffix}")))
        })
        .find(|p| p.is_file())
}

/// Orders ids numerically when both are numbers, otherwise as strings
/// (numbers first).
fn id_order(a: &str, b: &str) -> Ordering {
    match (a.parse::<u128>(), b.parse::<u128>()) {
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

fn check_dir(dir: &Path) -> Result<(), ReadError> {
    let meta = fs::metadata(dir).map_err(|e| ReadError::io(dir, e))?;
    if meta.is_dir() {
        Ok(())
    } else {
        Err(ReadError::NotADirectory {
            path: dir.to_path_buf(),
        })
    }
}

/// The files directly in `dir` whose name matches `pattern`, sorted by name.
///
/// `pattern` is a file name glob: `*` matches any run of characters, `?` one
/// character, anything else itself (case-sensitive), e.g. `article*.txt`.
/// Hidden files (name starting with `.`), directories and names that are not
/// UTF-8 are skipped.
///
/// # Errors
/// [`ReadError::NotFound`] / [`ReadError::NotADirectory`] for a bad `dir`,
/// [`ReadError::Io`] when it cannot be listed.
pub fn find_articles(dir: impl AsRef<Path>, pattern: &str) -> Result<Vec<PathBuf>, ReadError> {
    let dir = dir.as_ref();
    check_dir(dir)?;
    let pattern: Vec<char> = pattern.chars().collect();
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| ReadError::io(dir, e))? {
        let entry = entry.map_err(|e| ReadError::io(dir, e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let chars: Vec<char> = name.chars().collect();
        if name.starts_with('.') || !glob_match(&pattern, &chars) {
            continue;
        }
        let path = entry.path();
        if path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Glob matching with `*` and `?`, linear backtracking over the last `*`.
fn glob_match(pattern: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Expands command-line paths into the list of files to read.
///
/// A file path is kept as given, whatever its extension. A directory is
/// replaced by the files in it with an extension from [`INPUT_EXTENSIONS`],
/// skipping hidden files and folders (name starting with `.`); with
/// `recursive`, its subfolders are searched too (each real folder once, so
/// symlink loops end). Each directory's files come sorted by path; the
/// arguments keep their order.
///
/// Paths that cannot be read (missing, unlistable, a broken link) are
/// returned in the second list with their error instead of stopping the walk.
pub fn collect_inputs(
    paths: &[PathBuf],
    recursive: bool,
) -> (Vec<PathBuf>, Vec<(PathBuf, ReadError)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut visited = HashSet::new();
    for path in paths {
        match fs::metadata(path) {
            Err(e) => errors.push((path.clone(), ReadError::io(path, e))),
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                walk(path, recursive, &mut found, &mut errors, &mut visited);
                found.sort();
                files.extend(found);
            }
            Ok(_) => files.push(path.clone()),
        }
    }
    (files, errors)
}

fn walk(
    dir: &Path,
    recursive: bool,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<(PathBuf, ReadError)>,
    visited: &mut HashSet<PathBuf>,
) {
    if let Ok(real) = fs::canonicalize(dir) {
        if !visited.insert(real) {
            return;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return errors.push((dir.to_path_buf(), ReadError::io(dir, e))),
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push((dir.to_path_buf(), ReadError::io(dir, e)));
                continue;
            }
        };
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        match fs::metadata(&path) {
            Err(e) => {
                let error = ReadError::io(&path, e);
                errors.push((path, error));
            }
            Ok(meta) if meta.is_dir() => {
                if recursive {
                    walk(&path, recursive, files, errors, visited);
                }
            }
            Ok(_) => {
                let wanted = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|ext| {
                        INPUT_EXTENSIONS.iter().any(|w| w.eq_ignore_ascii_case(ext))
                    });
                if wanted {
                    files.push(path);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    use super::*;
    use unspin_document::layers;

    fn write(path: &Path, content: &str) -> TestResult {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, content)?;
        Ok(())
    }

    fn glob(p: &str, n: &str) -> bool {
        glob_match(
            &p.chars().collect::<Vec<_>>(),
            &n.chars().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn glob_matching() -> TestResult {
        assert!(glob("article*.txt", "article1.txt"));
        assert!(glob("article*.txt", "article.txt"));
        assert!(!glob("article*.txt", "article1.labels"));
        assert!(!glob("article*.txt", "xarticle1.txt"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*a*b*", "xxaxxbxx"));
        assert!(glob("*", ""));
        assert!(!glob("", "a"));
        assert!(glob("a**b", "ab"));
        Ok(())
    }

    #[test]
    fn id_order_is_numeric_when_it_can_be() -> TestResult {
        let mut ids = vec!["b", "10", "9", "a", "09"];
        ids.sort_by(|a, b| id_order(a, b));
        assert_eq!(ids, ["09", "9", "10", "a", "b"]);
        Ok(())
    }

    #[test]
    fn shared_layout_with_labels() -> TestResult {
        let dir = tempfile::tempdir()?;
        let d = dir.path();
        write(&d.join("articles/article20.txt"), "Second\n\nBody two.\n")?;
        write(&d.join("articles/article3.txt"), "First\n\nBody one.\n")?;
        write(&d.join("articles/notes.txt"), "not an article")?;
        write(&d.join("labels/article3.labels"), "3\tSlogans\t7\t11\n")?;
        write(&d.join("labels/article99.labels"), "99\tSlogans\t0\t1\n")?;
        let docs = read_ptc_dir(d)?;
        let ids: Vec<_> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["3", "20"]);
        assert_eq!(
            docs[0].span_text(&docs[0].layer(layers::TECHNIQUE)[0]),
            "Body"
        );
        assert!(!docs[1].has_layer(layers::TECHNIQUE));
        Ok(())
    }

    #[test]
    fn flat_layout_prefers_technique_labels() -> TestResult {
        let dir = tempfile::tempdir()?;
        let d = dir.path();
        write(&d.join("article1.txt"), "Title\n\nSome body.\n")?;
        write(&d.join("article1.task-si.labels"), "1\t7\t11\n")?;
        write(&d.join("article1.task-flc-tc.labels"), "1\tDoubt\t12\t16\n")?;
        write(&d.join("article2.txt"), "Title\n\nOther body.\n")?;
        write(&d.join("article2.task-si.labels"), "2\t7\t12\n")?;
        let docs = read_ptc_dir(d)?;
        let first = &docs[0].layer(layers::TECHNIQUE)[0];
        assert_eq!(
            (first.label.as_str(), docs[0].span_text(first)),
            ("Doubt", "body")
        );
        let second = &docs[1].layer(layers::TECHNIQUE)[0];
        assert_eq!(
            (second.label.as_str(), docs[1].span_text(second)),
            ("propaganda", "Other")
        );
        Ok(())
    }

    #[test]
    fn corpus_errors() -> TestResult {
        let dir = tempfile::tempdir()?;
        let d = dir.path();
        let err = read_ptc_dir(d).unwrap_err();
        assert!(matches!(err, ReadError::NoArticles { .. }), "{err:?}");
        assert!(err.to_string().contains(&format!("\"{}\"", d.display())));
        assert!(matches!(
            read_ptc_dir(d.join("missing")),
            Err(ReadError::NotFound { .. })
        ));
        write(&d.join("file.txt"), "x")?;
        assert!(matches!(
            read_ptc_dir(d.join("file.txt")),
            Err(ReadError::NotADirectory { .. })
        ));
        assert!(matches!(
            find_articles(d.join("file.txt"), "*"),
            Err(ReadError::NotADirectory { .. })
        ));
        // A bad label line stops the load and names file and line.
        write(&d.join("article5.txt"), "Title\n\nBody.\n")?;
        write(
            &d.join("article5.labels"),
            "5\tDoubt\t0\t4\n5\tDoubt\t0\t999\n",
        )?;
        let err = read_ptc_dir(d).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("article5.labels\": line 2: offset 999 is beyond"),
            "{msg}"
        );
        Ok(())
    }

    #[test]
    fn find_articles_sorts_and_skips_hidden_and_dirs() -> TestResult {
        let dir = tempfile::tempdir()?;
        let d = dir.path();
        for name in [
            "article2.txt",
            "article1.txt",
            ".article3.txt",
            "article4.labels",
        ] {
            write(&d.join(name), "x")?;
        }
        fs::create_dir(d.join("article5.txt"))?;
        let found = find_articles(d, "article*.txt")?;
        assert_eq!(found, [d.join("article1.txt"), d.join("article2.txt")]);
        Ok(())
    }

    #[test]
    fn collect_inputs_expands_directories_and_reports_problems() -> TestResult {
        let dir = tempfile::tempdir()?;
        let d = dir.path();
        for name in [
            "b.txt",
            "a.MD",
            "c.text",
            "d.ptc",
            "e.csv",
            ".hidden.txt",
            "sub/f.txt",
            ".git/g.txt",
        ] {
            write(&d.join(name), "x")?;
        }
        write(&d.join("../explicit.html"), "x")?;
        let explicit = d.join("../explicit.html");
        let missing = d.join("missing.txt");
        let (files, errors) =
            collect_inputs(&[explicit.clone(), d.to_path_buf(), missing.clone()], false);
        assert_eq!(
            files,
            [
                explicit.clone(),
                d.join("a.MD"),
                d.join("b.txt"),
                d.join("c.text"),
                d.join("d.ptc")
            ]
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, missing);
        assert!(matches!(errors[0].1, ReadError::NotFound { .. }));
        let (files, errors) = collect_inputs(&[d.to_path_buf()], true);
        assert!(errors.is_empty());
        assert_eq!(files.len(), 5);
        assert_eq!(files[4], d.join("sub/f.txt"));
        fs::remove_file(explicit)?;
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn collect_inputs_survives_symlink_loops_and_broken_links() -> TestResult {
        let dir = tempfile::tempdir()?;
        let d = dir.path();
        write(&d.join("sub/a.txt"), "x")?;
        std::os::unix::fs::symlink(d, d.join("sub/loop"))?;
        std::os::unix::fs::symlink(d.join("nowhere"), d.join("broken.txt"))?;
        let (files, errors) = collect_inputs(&[d.to_path_buf()], true);
        assert_eq!(files, [d.join("sub/a.txt")]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, d.join("broken.txt"));
        Ok(())
    }
}
