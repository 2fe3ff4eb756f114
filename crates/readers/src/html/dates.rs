//! Dates as pages write them — in meta values (`normalize_date`), in running
//! text in English, German, French and Spanish (`date_in_text`) and in URL
//! paths (`date_in_url`) — normalised to ISO 8601.

/// English month names and their abbreviations, with their numbers.
pub(crate) const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Month names in German, French and Spanish (English is in [`MONTHS`]).
const MONTHS_OTHER: &[(&str, u32)] = &[
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("janvier", 1),
    ("février", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
];

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    MONTHS
        .iter()
        .chain(MONTHS_OTHER)
        .find(|(n, _)| *n == w)
        .map(|(_, m)| *m)
}

/// The first date written in running text: `2020-05-12`, `12.05.2020`,
/// `12. Mai 2020`, `May 12, 2020`, `12 de mayo de 2020`.
pub(crate) fn date_in_text(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|' || c == '(' || c == ')')
        .filter(|w| !w.is_empty() && *w != "de" && *w != "del")
        .take(400)
        .collect();
    let day = |w: &str| {
        digits(
            w.trim_end_matches('.')
                .trim_end_matches(|c: char| c.is_alphabetic()),
        )
        .filter(|d| (1..=31).contains(d))
    };
    let year = |w: &str| {
        digits(w.trim_end_matches(|c: char| !c.is_ascii_digit()))
            .filter(|y| (1990..=2100).contains(y))
    };
    for (i, w) in words.iter().enumerate() {
        let b = w.as_bytes();
        if b.len() >= 10
            && b.first().is_some_and(u8::is_ascii_digit)
            && (b.get(4) == Some(&b'-')
                || b.get(4) == Some(&b'/')
                || b.get(2) == Some(&b'.')
                || b.get(1) == Some(&b'.'))
        {
            if let Some(d) = normalize_date(
                w.get(..10.min(w.len()))?
                    .trim_end_matches(|c: char| !c.is_ascii_digit()),
            ) {
                return Some(d);
            }
        }
        if let Some(d) = (b.len() >= 8)
            .then(|| dotted(w).or_else(|| slashed(w)))
            .flatten()
        {
            return Some(d);
        }
        let Some(m) = month_number(w) else { continue };
        let prev = i.checked_sub(1).and_then(|j| words.get(j)).copied();
        let (next, next2) = (words.get(i + 1).copied(), words.get(i + 2).copied());
        if let (Some(d), Some(y)) = (prev.and_then(day), next.and_then(year)) {
            return ymd(y, m, d);
        }
        if let (Some(d), Some(y)) = (next.and_then(day), next2.and_then(year)) {
            return ymd(y, m, d);
        }
    }
    None
}

/// `DD.MM.YYYY` (or `D.M.YYYY`) at the start of a word.
fn dotted(w: &str) -> Option<String> {
    let mut parts = w.split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let y = y.get(..4)?;
    if d.len() > 2 || m.len() > 2 {
        return None;
    }
    ymd(digits(y)?, digits(m)?, digits(d)?)
}

/// `DD/MM/YYYY` at the start of a word; `MM/DD/YYYY` only when the day
/// cannot be first (`05/28/2020`): day first is the reading of most of the
/// world, and of the pages this reader sees most.
fn slashed(w: &str) -> Option<String> {
    let mut parts = w.split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    let y = y.get(..4)?;
    if a.is_empty() || b.is_empty() || a.len() > 2 || b.len() > 2 {
        return None;
    }
    let (a, b, y) = (digits(a)?, digits(b)?, digits(y)?);
    if b > 12 {
        ymd(y, a, b)
    } else {
        ymd(y, b, a)
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn ymd(y: u32, m: u32, d: u32) -> Option<String> {
    ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Normalises a date string to ISO 8601 (`YYYY-MM-DD`, with the time and
/// offset when the input has them).
pub(crate) fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    // YYYY-MM-DD or YYYY/MM/DD, optionally followed by a time.
    if b.len() >= 10 && b.get(4).is_some_and(|c| *c == b'-' || *c == b'/') && b.get(7) == b.get(4) {
        let date = ymd(
            digits(s.get(0..4)?)?,
            digits(s.get(5..7)?)?,
            digits(s.get(8..10)?)?,
        )?;
        let rest = s.get(10..).unwrap_or("");
        if let Some(t) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) {
            if let Some(time) = iso_time(t) {
                return Some(format!("{date}T{time}"));
            }
        }
        return Some(date);
    }
    // YYYYMMDD
    if b.len() >= 8
        && s.get(0..8)
            .is_some_and(|x| x.bytes().all(|c| c.is_ascii_digit()))
        && !b.get(8).is_some_and(u8::is_ascii_digit)
    {
        return ymd(
            digits(s.get(0..4)?)?,
            digits(s.get(4..6)?)?,
            digits(s.get(6..8)?)?,
        );
    }
    // DD.MM.YYYY, or DD-MM-YYYY (`06-08-2009T14:12:32+0200`)
    let first = s.split_whitespace().next().unwrap_or("");
    let sep = if first.get(2..3) == Some("-") || first.get(1..2) == Some("-") {
        '-'
    } else {
        '.'
    };
    let dotted: Vec<&str> = first.split(sep).collect();
    if let [d, m, y, ..] = dotted.as_slice() {
        if let (Some(d), Some(m), Some(y)) =
            (digits(d), digits(m), digits(y.get(0..4).unwrap_or("")))
        {
            return ymd(y, m, d);
        }
    }
    // "Tue, 12 May 2020 10:00:00 GMT", "May 12, 2020", "12 May 2020".
    let words: Vec<String> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect();
    let month_at = words
        .iter()
        .position(|w| MONTHS.iter().any(|(n, _)| n == w))?;
    let month = MONTHS
        .iter()
        .find(|(n, _)| words.get(month_at).is_some_and(|w| w == n))?
        .1;
    let year = words
        .iter()
        .find_map(|w| digits(w).filter(|y| (1990..=2100).contains(y)))?;
    let day = words
        .get(month_at + 1)
        .and_then(|w| digits(w.trim_end_matches(|c: char| c.is_alphabetic())))
        .filter(|d| (1..=31).contains(d))
        .or_else(|| {
            month_at
                .checked_sub(1)
                .and_then(|i| words.get(i))
                .and_then(|w| digits(w.trim_end_matches(|c: char| c.is_alphabetic())))
                .filter(|d| (1..=31).contains(d))
        })?;
    ymd(year, month, day)
}

/// `HH:MM[:SS[.frac]][Z|±HH[:]MM]` → ISO form, or `None`.
fn iso_time(t: &str) -> Option<String> {
    let hh = digits(t.get(0..2)?)?;
    if t.get(2..3)? != ":" {
        return None;
    }
    let mm = digits(t.get(3..5)?)?;
    if hh > 23 || mm > 59 {
        return None;
    }
    let mut out = format!("{hh:02}:{mm:02}");
    let mut rest = t.get(5..).unwrap_or("");
    if let Some(r) = rest.strip_prefix(':') {
        let ss = digits(r.get(0..2)?)?;
        out.push_str(&format!(":{ss:02}"));
        rest = r.get(2..).unwrap_or("");
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            rest = frac.get(n..).unwrap_or("");
        }
    }
    let rest = rest.trim();
    if rest == "Z" || rest.eq_ignore_ascii_case("utc") || rest.eq_ignore_ascii_case("gmt") {
        out.push('Z');
    } else if let Some(sign) = rest.chars().next().filter(|c| *c == '+' || *c == '-') {
        let off: String = rest
            .get(1..)?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if off.len() == 4 {
            out.push_str(&format!("{sign}{}:{}", off.get(0..2)?, off.get(2..4)?));
        } else if off.len() == 2 {
            out.push_str(&format!("{sign}{off}:00"));
        }
    }
    Some(out)
}

/// A date written in a URL path: `/2020/05/12/`, `/2020-05-12` or
/// `/20200512`.
pub(crate) fn date_in_url(url: &str) -> Option<String> {
    let parts: Vec<&str> = url.split(['/', '?', '#']).collect();
    for w in parts.windows(3) {
        if let [y, m, d] = w {
            if y.len() == 4 && m.len() <= 2 && (1..=2).contains(&d.len()) {
                if let (Some(y), Some(m), Some(d)) = (digits(y), digits(m), digits(d)) {
                    if let Some(date) = ymd(y, m, d) {
                        return Some(date);
                    }
                }
            }
        }
    }
    parts
        .iter()
        .find_map(|p| {
            let p = p.get(0..10)?;
            (p.as_bytes().get(4) == Some(&b'-') && p.as_bytes().get(7) == Some(&b'-'))
                .then(|| normalize_date(p))
                .flatten()
        })
        .or_else(|| {
            // `/news/20200413/story`, `/20030331_Rede2.html`
            parts.iter().find_map(|p| {
                let b = p.as_bytes();
                (b.len() >= 8
                    && b.iter().take(8).all(u8::is_ascii_digit)
                    && !b.get(8).is_some_and(u8::is_ascii_digit))
                .then(|| normalize_date(p))
                .flatten()
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_normalise() {
        assert_eq!(
            normalize_date("2020-05-12T10:00:00.000Z").as_deref(),
            Some("2020-05-12T10:00:00Z")
        );
        assert_eq!(
            normalize_date("2020-05-12 10:00").as_deref(),
            Some("2020-05-12T10:00")
        );
        assert_eq!(normalize_date("2020/05/12").as_deref(), Some("2020-05-12"));
        assert_eq!(normalize_date("20200512").as_deref(), Some("2020-05-12"));
        assert_eq!(normalize_date("12.05.2020").as_deref(), Some("2020-05-12"));
        assert_eq!(
            normalize_date("Tue, 12 May 2020 10:00:00 GMT").as_deref(),
            Some("2020-05-12")
        );
        assert_eq!(
            normalize_date("May 12th, 2020").as_deref(),
            Some("2020-05-12")
        );
        assert_eq!(normalize_date("2020-13-40"), None);
        assert_eq!(normalize_date("soon"), None);
        assert_eq!(
            date_in_url("https://x.com/2019/02/03/story").as_deref(),
            Some("2019-02-03")
        );
    }

    #[test]
    fn slashed_dates_read_day_first_unless_impossible() {
        assert_eq!(
            date_in_text("17/03/2020 - 04:30 - Fonte: Agência Brasil").as_deref(),
            Some("2020-03-17")
        );
        assert_eq!(
            date_in_text("Posted 05/28/2020").as_deref(),
            Some("2020-05-28")
        );
        assert_eq!(date_in_text("03/04/2020").as_deref(), Some("2020-04-03"));
        assert_eq!(
            date_in_text("Datum: 2020/03/04 16:52").as_deref(),
            Some("2020-03-04")
        );
        assert_eq!(date_in_text("1/2 cup of sugar"), None);
    }

    #[test]
    fn dates_in_running_text() {
        assert_eq!(
            date_in_text("Von Anna Muster | 12. Mai 2020, 10:14 Uhr").as_deref(),
            Some("2020-05-12")
        );
        assert_eq!(
            date_in_text("Posted on March 3, 2019 by admin").as_deref(),
            Some("2019-03-03")
        );
        assert_eq!(
            date_in_text("Publié le 7 juillet 2021").as_deref(),
            Some("2021-07-07")
        );
        assert_eq!(
            date_in_text("12 de mayo de 2020").as_deref(),
            Some("2020-05-12")
        );
        assert_eq!(
            date_in_text("Stand: 03.11.2022 17:00").as_deref(),
            Some("2022-11-03")
        );
        assert_eq!(
            date_in_text("2021-04-05T10:00").as_deref(),
            Some("2021-04-05")
        );
        assert_eq!(date_in_text("May the force be with you, 42 times"), None);
    }
}
