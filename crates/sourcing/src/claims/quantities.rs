//! Quantities: numbers in words and digits, multipliers, fractions,
//! currencies and units, normalised ("3,000 men" → 3000 men).

use crate::claims::lexicon::lexicons;
use crate::claims::lexicon::Class;
use crate::claims::lexicon::Toks;
use crate::claims::types::Quantity;
use unspin_segment::TokenKind;

/// The value of a number word that starts a number (not a multiplier).
pub(super) fn small_number(w: &str) -> Option<f64> {
    let v = match w {
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    };
    Some(v)
}

/// The value of a unit word that may follow a tens word ("twenty-five").
pub(super) fn unit_word(w: &str) -> Option<f64> {
    match w {
        "one" => Some(1.0),
        _ => small_number(w).filter(|v| *v < 10.0),
    }
}

/// A multiplier word ("million"), or the abbreviations "bn", "mn", "mln".
pub(super) fn multiplier(w: &str) -> Option<f64> {
    match w {
        "hundred" => Some(1e2),
        "thousand" => Some(1e3),
        "million" | "mn" | "mln" => Some(1e6),
        "billion" | "bn" => Some(1e9),
        "trillion" | "tn" => Some(1e12),
        "dozen" => Some(12.0),
        _ => None,
    }
}

/// A multiplier glued to digits ("2.3bn", "50m", "10k").
pub(super) fn multiplier_suffix(w: &str) -> Option<f64> {
    match w {
        "k" => Some(1e3),
        "m" => Some(1e6),
        "b" => Some(1e9),
        "dozen" => None,
        _ => multiplier(w),
    }
}

/// A fraction word after a hyphen ("two-thirds").
pub(super) fn denominator(w: &str) -> Option<f64> {
    match w {
        "half" | "halves" => Some(2.0),
        "third" | "thirds" => Some(3.0),
        "quarter" | "quarters" => Some(4.0),
        "fifth" | "fifths" => Some(5.0),
        "tenth" | "tenths" => Some(10.0),
        _ => None,
    }
}

/// A normalised unit.
pub(super) fn normalise_unit(w: &str) -> String {
    match w {
        "kilometres" | "kilometers" | "kilometre" | "kilometer" => "km".into(),
        "percent" | "pct" => "%".into(),
        "dollars" | "dollar" => "USD".into(),
        "euros" | "euro" => "EUR".into(),
        _ => w.into(),
    }
}

pub(super) fn currency(s: &str) -> Option<&'static str> {
    match s {
        "$" => Some("USD"),
        "\u{a3}" => Some("GBP"),
        "\u{20ac}" => Some("EUR"),
        _ => None,
    }
}

/// What a number at some token turned out to be.
pub(super) enum Found {
    Quantity(Quantity, usize),
    Date(usize),
}

/// The core number at token `j`: (value, end token, is a plain 4-digit
/// integer, unit from a suffix).
pub(super) fn core_number(t: &Toks, j: usize) -> Option<(f64, usize, bool, Option<String>)> {
    let tok = t.toks.get(j)?;
    let raw = t.raw(j);
    if tok.kind == TokenKind::Number {
        let digits: String = raw.chars().filter(|c| *c != ',').collect();
        let v: f64 = digits.parse().ok()?;
        let plain_year = raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit());
        return Some((v, j + 1, plain_year, None));
    }
    if tok.kind == TokenKind::Word && raw.starts_with(|c: char| c.is_ascii_digit()) {
        // "2.3bn", "12km", "5th"
        let split = raw
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(raw.len());
        let digits: String = raw[..split].chars().filter(|c| *c != ',').collect();
        let v: f64 = digits.parse().ok()?;
        let suffix = raw[split..].to_lowercase();
        if matches!(suffix.as_str(), "st" | "nd" | "rd" | "th" | "s") {
            return None; // ordinal or decade ("1990s")
        }
        if let Some(m) = multiplier_suffix(&suffix) {
            return Some((v * m, j + 1, false, None));
        }
        if suffix.chars().all(|c| c.is_ascii_alphabetic()) {
            return Some((v, j + 1, false, Some(normalise_unit(&suffix))));
        }
        return None;
    }
    let w = t.word(j)?;
    if w == "a" || w == "one" {
        // only before a multiplier: "a hundred", "one million"
        let m = t.word(j + 1).and_then(multiplier)?;
        return Some((m, j + 2, false, None));
    }
    let mut v = small_number(w)?;
    let mut end = j + 1;
    // "twenty-five" / "twenty five"
    if v >= 20.0 && v % 10.0 == 0.0 {
        if t.word(end) == Some("-") && t.glued(end - 1) && t.glued(end) {
            if let Some(u) = t.word(end + 1).and_then(unit_word) {
                v += u;
                end += 2;
            }
        } else if let Some(u) = t.word(end).and_then(unit_word) {
            v += u;
            end += 1;
        }
    }
    // "two-thirds"
    if t.word(end) == Some("-") && t.glued(end - 1) && t.glued(end) {
        if let Some(d) = t.word(end + 1).and_then(denominator) {
            return Some((v / d, end + 2, false, Some(String::new())));
        }
    }
    Some((v, end, false, None))
}

/// Tries to read a number (with its qualifier, currency, multipliers and
/// unit) or a date at token `i`.
pub(super) fn number_at(t: &Toks, i: usize) -> Option<Found> {
    let mut j = i;
    let mut qualified = false;
    if let Some(q) = lexicons().qualifiers.find(t, i) {
        j = i + q.len();
        qualified = true;
    }
    let mut unit: Option<String> = None;
    // Currency signs are punctuation tokens.
    let sign = t
        .toks
        .get(j)
        .is_some_and(|tok| tok.kind == TokenKind::Punct);
    if let Some(c) = t.word(j).filter(|_| sign).and_then(currency) {
        if t.toks.get(j + 1).is_some_and(|n| {
            n.kind == TokenKind::Number || t.raw(j + 1).starts_with(|c: char| c.is_ascii_digit())
        }) && t.glued(j)
        {
            unit = Some(c.to_string());
            j += 1;
        }
    }
    let (mut value, mut end, plain_year, suffix_unit) = core_number(t, j)?;
    let first = t.toks[j];
    // A number glued to a name or ratio: "R+6", "F-16", "9/11", "3:30".
    if first.kind != TokenKind::Word || t.raw(j).starts_with(|c: char| c.is_ascii_digit()) {
        if j > 0 && t.glued(j - 1) {
            let prev = t.raw(j - 1);
            if prev.starts_with(char::is_alphanumeric)
                || (matches!(prev, "+" | "-" | "/" | ":" | ".")
                    && j >= 2
                    && t.glued(j - 2)
                    && t.raw(j - 2).starts_with(char::is_alphanumeric))
            {
                return None;
            }
        }
        if matches!(t.word(end), Some("/" | ":"))
            && t.glued(end - 1)
            && t.toks
                .get(end + 1)
                .is_some_and(|n| n.kind == TokenKind::Number)
            && t.glued(end)
        {
            return None;
        }
    }
    // Dates: a day next to a month, a year.
    if unit.is_none() && !qualified && value.fract() == 0.0 && end == j + 1 {
        let day = (1.0..=31.0).contains(&value) && first.kind == TokenKind::Number;
        if day && ((j > 0 && t.is_month(j - 1)) || t.is_month(end)) {
            return Some(Found::Date(end));
        }
        if plain_year && (1800.0..=2099.0).contains(&value) {
            let after_prep = j > 0
                && (t.is(j - 1, Class::YEAR_PREP)
                    || t.is_month(j - 1)
                    || t.word(j - 1) == Some(","));
            let next_ok = match t.toks.get(end) {
                None => true,
                Some(n) => {
                    n.kind == TokenKind::Punct
                        || t.is_capitalised(end)
                        || t.is(end, Class::UNIT_STOP)
                }
            };
            if after_prep || next_ok {
                return Some(Found::Date(end));
            }
        }
    }
    if suffix_unit.is_none() {
        while let Some(m) = t.word(end).and_then(multiplier) {
            value *= m;
            end += 1;
        }
    }
    let mut unit_from_suffix = suffix_unit;
    if unit_from_suffix.as_deref() == Some("") {
        unit_from_suffix = None; // a fraction: no unit
    } else if unit.is_none() && unit_from_suffix.is_none() {
        // percent
        if matches!(t.word(end), Some("%" | "percent")) {
            unit = Some("%".into());
            end += 1;
        } else if t.matches(end, &["per", "cent"]) {
            unit = Some("%".into());
            end += 2;
        } else {
            // "12-km", "five-year"
            let k = if t.word(end) == Some("-") && t.glued(end - 1) && t.glued(end) {
                end + 1
            } else {
                end
            };
            if t.is_lower_word(k) {
                let w = t.word(k).unwrap_or_default();
                if !t.is(k, Class::UNIT_STOP) && multiplier(w).is_none() {
                    unit = Some(normalise_unit(w));
                    end = k + 1;
                }
            }
        }
    }
    let unit = unit.or(unit_from_suffix);
    if !value.is_finite() {
        return None;
    }
    let range = t.toks[i].start..t.toks[end - 1].end;
    Some(Found::Quantity(
        Quantity {
            text: t.text[range.clone()].to_string(),
            range,
            value,
            unit,
        },
        end,
    ))
}

/// Scans tokenised text for quantities and counts date expressions.
pub(super) fn scan(t: &Toks) -> (Vec<Quantity>, usize) {
    let mut out = Vec::new();
    let mut dates = 0;
    let mut i = 0;
    while i < t.toks.len() {
        match number_at(t, i) {
            Some(Found::Quantity(q, end)) => {
                out.push(q);
                i = end.max(i + 1);
            }
            Some(Found::Date(end)) => {
                dates += 1;
                i = end.max(i + 1);
            }
            None => {
                if t.is_month(i) || lexicons().relative_dates.find(t, i).is_some() {
                    dates += 1;
                }
                i += 1;
            }
        }
    }
    (out, dates)
}

/// Finds the quantities in `text` (ranges are byte ranges into `text`),
/// sorted by position; see the module doc for what counts.
pub fn quantities(text: &str) -> Vec<Quantity> {
    scan(&Toks::new(text)).0
}

// ---------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------
