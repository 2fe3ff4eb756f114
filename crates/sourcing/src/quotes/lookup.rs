//! Range lookups that stay fast on long documents (issue 19, "linear time
//! everywhere").
//!
//! Attribution rules ask, for every quote, which entities, quotation pairs
//! or block quotes lie near it. Scanning every one of them per quote makes a
//! text of many short quotes quadratic. Lists that are sorted by start and
//! do not overlap (entities, top-level speech quotes, block quotes, as the
//! finders build them) are narrowed by binary search to the sub-slice that
//! can touch a range; any other list is searched whole, so that the answers
//! never change, only their cost.

use crate::text::marks::QuotePair;
use crate::ByteRange;
use crate::Entity;

/// How many entities before a position a backward search looks at ("he" to
/// the last named person): enough for any real article, and a bound on the
/// cost of a pronoun far from any name.
const LOOKBACK: usize = 512;

/// A list of ranges that may be sorted and disjoint (then searched by
/// binary search) or not (then searched whole).
#[derive(Debug, Clone, Copy)]
pub(super) struct Ranged<'a, T> {
    items: &'a [T],
    range: fn(&T) -> &ByteRange,
    disjoint: bool,
}

impl<'a, T> Ranged<'a, T> {
    /// Wraps `items`, whose range `range` gives, checking once whether they
    /// are sorted by start and disjoint.
    pub(super) fn new(items: &'a [T], range: fn(&T) -> &ByteRange) -> Ranged<'a, T> {
        let disjoint = items.windows(2).all(|w| {
            let (a, b) = (range(&w[0]), range(&w[1]));
            a.start <= a.end && a.end <= b.start
        });
        Ranged {
            items,
            range,
            disjoint,
        }
    }

    /// A sub-slice holding every item whose range touches `start..=end`
    /// (shares a position with it, ends included), in list order; it may
    /// hold a few more.
    pub(super) fn touching(&self, start: usize, end: usize) -> &'a [T] {
        if !self.disjoint {
            return self.items;
        }
        let range = self.range;
        let lo = self.items.partition_point(|x| range(x).end < start);
        let hi = self.items.partition_point(|x| range(x).start <= end);
        &self.items[lo..hi.max(lo)]
    }

    /// A sub-slice holding every item that starts at or before `at`, with
    /// at most `limit` items when the list is sorted (the last ones).
    pub(super) fn up_to(&self, at: usize, limit: usize) -> &'a [T] {
        if !self.disjoint {
            return self.items;
        }
        let range = self.range;
        let hi = self.items.partition_point(|x| range(x).start <= at);
        &self.items[hi.saturating_sub(limit)..hi]
    }

    /// A sub-slice holding every item that starts in `start..=end`.
    pub(super) fn starting_in(&self, start: usize, end: usize) -> &'a [T] {
        if !self.disjoint {
            return self.items;
        }
        let range = self.range;
        let lo = self.items.partition_point(|x| range(x).start < start);
        let hi = self.items.partition_point(|x| range(x).start <= end);
        &self.items[lo..hi.max(lo)]
    }
}

fn entity_range(e: &Entity) -> &ByteRange {
    &e.range
}

fn plain_range(r: &ByteRange) -> &ByteRange {
    r
}

fn outer_range(p: &Speech) -> &ByteRange {
    &p.outer
}

/// A quotation pair's two ranges.
#[derive(Debug, Clone)]
pub(super) struct Speech {
    /// From the opening mark to the end of the closing mark.
    pub(super) outer: ByteRange,
    /// The quoted text.
    pub(super) inner: ByteRange,
}

/// A document's entities, quotation pairs and block quotes, ready for range
/// questions.
#[derive(Debug, Clone)]
pub(super) struct Lookup<'a> {
    entities: Ranged<'a, Entity>,
    blocks: Ranged<'a, ByteRange>,
    boilerplate: Ranged<'a, ByteRange>,
    /// Top-level quotations that are speech (not scare quotes).
    speech: Vec<Speech>,
    speech_disjoint: bool,
    /// Scare quotes' outer ranges.
    scare: Vec<ByteRange>,
    scare_disjoint: bool,
}

impl<'a> Lookup<'a> {
    /// Builds the lookups (each list is checked once for order).
    pub(super) fn new(
        text: &str,
        entities: &'a [Entity],
        pairs: &[QuotePair],
        blocks: &'a [ByteRange],
        boilerplate: &'a [ByteRange],
    ) -> Lookup<'a> {
        let speech: Vec<Speech> = pairs
            .iter()
            .filter(|p| !p.scare && p.depth == 1)
            .map(|p| Speech {
                outer: p.outer(text),
                inner: p.inner.clone(),
            })
            .collect();
        let scare: Vec<ByteRange> = pairs
            .iter()
            .filter(|p| p.scare)
            .map(|p| p.outer(text))
            .collect();
        Lookup {
            entities: Ranged::new(entities, entity_range),
            blocks: Ranged::new(blocks, plain_range),
            boilerplate: Ranged::new(boilerplate, plain_range),
            speech_disjoint: Ranged::new(&speech, outer_range).disjoint,
            scare_disjoint: Ranged::new(&scare, plain_range).disjoint,
            speech,
            scare,
        }
    }

    /// The entities.
    pub(super) fn entities(&self) -> &Ranged<'a, Entity> {
        &self.entities
    }

    /// Entities that may touch `r` (all that do, in order).
    pub(super) fn entities_touching(&self, r: &ByteRange) -> &'a [Entity] {
        self.entities.touching(r.start, r.end)
    }

    /// The last entity (in list order) that ends at or before `at`, has a
    /// score of at least 0.4 and satisfies `pred`, among the [`LOOKBACK`]
    /// entities before `at`.
    pub(super) fn last_entity_before(
        &self,
        at: usize,
        pred: impl Fn(&Entity) -> bool,
    ) -> Option<&'a Entity> {
        self.entities
            .up_to(at, LOOKBACK)
            .iter()
            .filter(|e| e.range.end <= at && e.score >= 0.4)
            .filter(|e| pred(e))
            .last()
    }

    /// Whether `r` overlaps a block quote.
    pub(super) fn in_block(&self, r: &ByteRange) -> bool {
        overlapping(self.blocks.touching(r.start, r.end), r)
    }

    /// Whether `r` overlaps boilerplate.
    pub(super) fn in_boilerplate(&self, r: &ByteRange) -> bool {
        overlapping(self.boilerplate.touching(r.start, r.end), r)
    }

    /// Top-level speech quotations that may touch `start..=end` (all that do).
    pub(super) fn speech_touching(&self, start: usize, end: usize) -> &[Speech] {
        if self.speech_disjoint {
            Ranged::new_sorted(&self.speech, outer_range).touching(start, end)
        } else {
            &self.speech
        }
    }

    /// Whether `r` lies inside a scare quote.
    pub(super) fn inside_scare_quote(&self, r: &ByteRange) -> bool {
        let candidates = if self.scare_disjoint {
            Ranged::new_sorted(&self.scare, plain_range).touching(r.start, r.end)
        } else {
            &self.scare
        };
        candidates
            .iter()
            .any(|o| r.start >= o.start && r.end <= o.end)
    }
}

impl<'a, T> Ranged<'a, T> {
    /// Wraps `items` already known to be sorted and disjoint.
    fn new_sorted(items: &'a [T], range: fn(&T) -> &ByteRange) -> Ranged<'a, T> {
        Ranged {
            items,
            range,
            disjoint: true,
        }
    }
}

fn overlapping(items: &[ByteRange], r: &ByteRange) -> bool {
    items.iter().any(|b| crate::text::ranges::overlaps(b, r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EntityKind;

    fn entity(start: usize, end: usize) -> Entity {
        Entity {
            range: start..end,
            kind: EntityKind::Person,
            score: 0.9,
        }
    }

    #[test]
    fn narrowing_keeps_every_touching_item() {
        let items: Vec<Entity> = (0..100).map(|i| entity(i * 10, i * 10 + 5)).collect();
        let r = Ranged::new(&items, entity_range);
        assert!(r.disjoint);
        for (start, end) in [(0, 0), (3, 12), (5, 10), (6, 9), (995, 2000), (42, 42)] {
            let all: Vec<&Entity> = items
                .iter()
                .filter(|e| e.range.start <= end && e.range.end >= start)
                .collect();
            let narrowed: Vec<&Entity> = r.touching(start, end).iter().collect();
            for e in &all {
                assert!(narrowed.contains(e), "{start}..={end} lost {:?}", e.range);
            }
        }
    }

    #[test]
    fn unsorted_lists_are_searched_whole() {
        let items = vec![entity(50, 60), entity(0, 10), entity(5, 20)];
        let r = Ranged::new(&items, entity_range);
        assert!(!r.disjoint);
        assert_eq!(r.touching(0, 1).len(), 3);
        assert_eq!(r.up_to(0, 1).len(), 3);
    }

    #[test]
    fn last_entity_before_is_the_nearest() {
        let items: Vec<Entity> = (0..2000).map(|i| entity(i * 10, i * 10 + 5)).collect();
        let lookup = Lookup::new("", &items, &[], &[], &[]);
        let e = lookup.last_entity_before(103, |_| true).unwrap();
        assert_eq!(e.range, 90..95);
        assert!(lookup.last_entity_before(4, |_| true).is_none());
        let e = lookup.last_entity_before(19_999, |_| true).unwrap();
        assert_eq!(e.range, 19_990..19_995);
    }
}
