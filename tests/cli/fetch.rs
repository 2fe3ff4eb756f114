//! `analyze` and `extract` with http:// URLs, against a server on loopback.

use super::*;

#[path = "../../crates/fetch/tests/support/server.rs"]
mod server;

use server::{Reply, Server};

/// The sample article as an HTML page: its first line as the title and
/// heading, every other block as a paragraph.
fn sample_page() -> String {
    let text = unspin_testkit::sample_text();
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut blocks = text.split("\n\n").map(str::trim).filter(|b| !b.is_empty());
    let title = escape(blocks.next().unwrap_or("Untitled").trim_start_matches("# "));
    let body: String = blocks.map(|b| format!("<p>{}</p>\n", escape(b))).collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1>\n{body}</article>\
         <footer>Footer-marker-7731</footer></body></html>"
    )
}

fn site() -> Server {
    let page = sample_page();
    Server::start(move |path, _| match path {
        "/robots.txt" => Reply::new(200)
            .header("Content-Type", "text/plain")
            .body("User-agent: *\nDisallow: /private/\n"),
        "/go" => Reply::redirect(301, "/article.html"),
        "/article.html" | "/private/article.html" => Reply::html(page.clone()),
        _ => Reply::new(404).body("not here"),
    })
}

#[test]
fn analyze_a_url_keeps_the_final_url_after_a_redirect() -> TestResult {
    let server = site();
    let (_tmp, model) = tempdir_with_tiny_model()?;
    let run = unspin_model(
        "analyze",
        &model,
        &["--rate-limit", "0", &server.url("/go"), "--format", "json"],
    );
    assert_exit!(run, 0);
    let doc: Value = serde_json::from_str(&run.stdout)?;
    check_wire_document(&doc);
    assert_eq!(
        doc["metadata"]["url"],
        server.url("/article.html"),
        "{}",
        run.show()
    );
    assert_eq!(doc["id"], "article");
    let title = unspin_testkit::sample_text();
    let title = title
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .trim_start_matches("# ");
    assert_eq!(doc["metadata"]["title"], title);
    assert!(!doc["text"]
        .as_str()
        .unwrap_or_default()
        .contains("Footer-marker-7731"));
    assert_eq!(server.count("/robots.txt"), 1);
    Ok(())
}

#[test]
fn a_failed_url_is_reported_and_the_others_go_on() -> TestResult {
    let server = site();
    let (_tmp, model) = tempdir_with_tiny_model()?;
    let missing = server.url("/missing.html");
    let run = unspin_model(
        "analyze",
        &model,
        &["--rate-limit", "0", &missing, &server.url("/article.html")],
    );
    run.assert_error(1, &format!("error: \"{missing}\": HTTP 404 Not Found"));
    let lines = run.lines();
    assert_eq!(lines.len(), 1, "{}", run.show());
    assert_eq!(lines[0]["metadata"]["url"], server.url("/article.html"));
    Ok(())
}

#[test]
fn extract_honours_robots_txt_unless_told_not_to() {
    let server = site();
    let private = server.url("/private/article.html");
    let run = unspin(&["extract", "--rate-limit", "0", &private]);
    run.assert_error(1, "disallowed by");
    run.assert_stderr_has("robots.txt");
    assert!(run.stdout.is_empty(), "{}", run.show());
    assert_eq!(server.count("/private/article.html"), 0);

    let run = unspin(&["extract", "--rate-limit", "0", "--ignore-robots", &private]);
    assert_exit!(run, 0);
    let lines = run.lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["path"], private);
    assert_eq!(lines[0]["format"], "html");
    assert_eq!(lines[0]["metadata"]["url"], private);
}

#[test]
fn several_urls_and_files_come_out_in_input_order() -> TestResult {
    let server = Server::start(|path, _| match path {
        "/robots.txt" => Reply::new(404),
        p if p.starts_with("/p") => Reply::html(format!(
            "<html><head><title>Page {p}</title></head><body><article><p>This is page {p}, \
             where the council said the budget would pass after a long night of talks.</p>\
             </article></body></html>"
        )),
        _ => Reply::new(404),
    });
    let tmp = tempfile::tempdir()?;
    let file = tmp.path().join("local.txt");
    fs::write(&file, "A local title\n\nSome local text to read.\n")?;
    let urls: Vec<String> = (1..=6)
        .map(|n| server.url(&format!("/p{n}.html")))
        .collect();
    let missing = server.url("/gone.html");
    let mut args = vec!["extract", "--rate-limit", "0"];
    args.extend(urls[..3].iter().map(String::as_str));
    args.push(&missing);
    args.push(s(&file));
    args.extend(urls[3..].iter().map(String::as_str));
    let run = unspin(&args);
    run.assert_error(1, &format!("error: \"{missing}\": HTTP 404"));
    let paths: Vec<String> = run
        .lines()
        .iter()
        .map(|l| l["path"].as_str().unwrap_or_default().to_string())
        .collect();
    let mut expected: Vec<String> = urls[..3].to_vec();
    expected.push(s(&file).to_string());
    expected.extend(urls[3..].iter().cloned());
    assert_eq!(paths, expected, "{}", run.show());
    for url in &urls {
        assert_eq!(server.count(&url[url.rfind('/').unwrap_or(0)..]), 1);
    }
    Ok(())
}

#[test]
fn corpus_add_fetches_a_url_list_and_stores_the_final_url() -> TestResult {
    let server = site();
    let dir = tempfile::tempdir()?;
    let urls = dir.path().join("urls.txt");
    fs::write(
        &urls,
        format!(
            "# pages to add\n{}\n\n{}\n{}\n",
            server.url("/go"),
            server.url("/missing.html"),
            server.url("/private/article.html"),
        ),
    )?;
    let db = dir.path().join("web.db");
    let run = unspin(&[
        "corpus",
        "add",
        s(&db),
        "--urls",
        s(&urls),
        "--rate-limit",
        "0",
    ]);
    run.assert_error(1, "404");
    run.assert_stderr_has("robots.txt");
    run.assert_stderr_has("1 added, 0 already stored, 2 failed");
    let show = unspin(&["corpus", "show", s(&db), "1"]);
    assert_exit!(show, 0);
    let doc: Value = serde_json::from_str(&show.stdout)?;
    assert_eq!(doc["metadata"]["url"], server.url("/article.html"));
    assert_eq!(doc["source"], server.url("/go"));
    // Again: the page is fetched again but not stored twice.
    let again = unspin(&[
        "corpus",
        "add",
        s(&db),
        "--urls",
        s(&urls),
        "--rate-limit",
        "0",
    ]);
    again.assert_stderr_has("0 added, 1 already stored, 2 failed");
    Ok(())
}
