//! The one parser of every size flag (`--max-bytes`, `--max-body`).
//!
//! Units: a plain number is bytes; `k`, `M`, `G` (also `kB`, `MB`, `GB`) are
//! decimal, 1000-based, as disks and networks count; `KiB`, `MiB`, `GiB` are
//! binary, 1024-based. Letters are case-insensitive and a fraction is
//! allowed (`1.5M` = 1,500,000 bytes, `2MiB` = 2,097,152 bytes).

/// `123`, `64k`, `50M`, `1.5G`, `2MiB` → bytes (see the module doc).
///
/// # Errors
/// A message quoting `s` when it is not a size of at least one byte.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let bad = || format!("{s:?} is not a size (a number of bytes, or e.g. 64k, 50M, 2G, 2MiB)");
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return Err(bad()),
    };
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(bad());
    }
    let bytes = match number.parse::<u64>() {
        Ok(n) => n.checked_mul(factor),
        Err(_) => {
            let f: f64 = number.parse().map_err(|_| bad())?;
            let b = (f * factor as f64).round();
            (b.is_finite() && b < u64::MAX as f64).then_some(b as u64)
        }
    };
    bytes
        .filter(|&b| b > 0)
        .ok_or_else(|| format!("{s:?} is not a size of at least one byte"))
}

/// [`parse_size`] for limits held in a `usize`.
///
/// # Errors
/// As [`parse_size`], or when the size does not fit this machine's `usize`.
pub fn parse_size_usize(s: &str) -> Result<usize, String> {
    let bytes = parse_size(s)?;
    usize::try_from(bytes).map_err(|_| format!("{s:?} is too large for this machine"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_and_binary_units() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("64k"), Ok(64_000));
        assert_eq!(parse_size("64 kB"), Ok(64_000));
        assert_eq!(parse_size("50M"), Ok(50_000_000));
        assert_eq!(parse_size("2M"), Ok(2_000_000));
        assert_eq!(parse_size("2g"), Ok(2_000_000_000));
        assert_eq!(parse_size("1.5M"), Ok(1_500_000));
        assert_eq!(parse_size("512KiB"), Ok(512 * 1024));
        assert_eq!(parse_size("2MiB"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_size("2mib"), Ok(2_097_152));
        assert_eq!(parse_size("1.5MiB"), Ok(1_572_864));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
    }

    #[test]
    fn bad_sizes_are_refused() {
        for bad in [
            "", "0", "0.0001", "-1", "ten", "2X", "5T", ".5M", "5.M", "1.2.3M", "M",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
        assert!(parse_size("99999999999G").is_err());
        assert!(parse_size("2X").unwrap_err().contains("\"2X\""));
    }

    #[test]
    fn both_size_flags_use_this_parser() {
        // `--max-bytes 50M` and `--max-body 50M` mean the same number of bytes.
        assert_eq!(parse_size_usize("50M").map(|b| b as u64), parse_size("50M"));
    }
}
