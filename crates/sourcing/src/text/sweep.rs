//! Range questions asked in document order, answered by a sweep: each range
//! enters once and leaves once, so asking about every sentence of a text
//! with many quotes costs linear time instead of sentences × quotes.

use crate::ByteRange;

/// Ranges (in any order, possibly overlapping) to be asked about with
/// queries in increasing order of start.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The ranges, sorted by start.
    ranges: Vec<ByteRange>,
    /// The next range to enter.
    next: usize,
    /// The ranges that may touch the current query.
    active: Vec<ByteRange>,
    /// Start of the last query.
    last_start: usize,
}

impl Sweep {
    /// A sweep over `ranges`.
    pub fn new(mut ranges: Vec<ByteRange>) -> Sweep {
        ranges.sort_by_key(|r| (r.start, r.end));
        Sweep {
            ranges,
            next: 0,
            active: Vec::new(),
            last_start: 0,
        }
    }

    /// Every range that touches `q` (shares a position with it, ends
    /// included), possibly with a few that do not. Queries should come in
    /// increasing order of start; one that does not gets every range.
    pub fn around(&mut self, q: &ByteRange) -> &[ByteRange] {
        if q.start < self.last_start {
            return &self.ranges;
        }
        self.last_start = q.start;
        while self.next < self.ranges.len() && self.ranges[self.next].start <= q.end {
            self.active.push(self.ranges[self.next].clone());
            self.next += 1;
        }
        self.active.retain(|r| r.end >= q.start);
        &self.active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_like_a_scan() {
        let ranges = vec![0..100, 5..8, 30..31, 12..40, 50..52, 200..300, 7..7];
        let mut sweep = Sweep::new(ranges.clone());
        let queries = [
            0..4,
            4..10,
            10..20,
            20..45,
            45..60,
            60..250,
            250..400,
            400..401,
        ];
        for q in queries {
            let expected: Vec<&ByteRange> = ranges
                .iter()
                .filter(|r| r.start <= q.end && r.end >= q.start)
                .collect();
            let got = sweep.around(&q).to_vec();
            for r in expected {
                assert!(got.contains(r), "{q:?} lost {r:?}");
            }
        }
        // Out of order: everything.
        assert_eq!(sweep.around(&(0..1)).len(), ranges.len());
    }
}
