//! The 7-bit AVX2 kernel's pairing of steps: which steps of 4 inputs may
//! have their 16-bit pair sums added before they are widened, and in which
//! order the kernel reads them (see the module doc of `int8`).

use super::BLOCK;

/// The largest sum of four weights' absolute values (one output's two
/// inputs in each of two steps of 4 inputs: what one 16-bit lane of two
/// `vpmaddubsw` results holds) for which the 7-bit kernel adds the two
/// results in 16 bits: with activations in 1..=127 the lane then holds at
/// most 127 × 258 = 32,766 in absolute value, so it cannot overflow and the
/// integer sums are the step-by-step ones.
pub(super) const PAIR_LIMIT: u16 = 258;

/// The order in which the 7-bit kernel reads the steps (4 inputs each) of
/// each block of 16 outputs: pairs of steps whose weights fit
/// [`PAIR_LIMIT`] together, then the steps left single. The integer sums
/// do not depend on the order, so the results are the step-by-step ones, bit
/// for bit. Steps are paired greedily, the one with the largest weights
/// first, each with the smallest-weighted step it fits with; with steps
/// taken in their own order, only about 70 % of neighbouring steps fit
/// (one large weight among 16 outputs spoils a pair).
#[derive(Debug, Clone)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(super) struct StepSchedule {
    /// Per block, `inputs / 4` step indices: the pairs first, then the singles.
    order: Vec<u32>,
    /// Per block, how many pairs lead its part of `order`.
    pairs: Vec<u32>,
}

impl StepSchedule {
    /// The schedule of weights packed as [`Int8Linear`](super::Int8Linear) packs them.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    #[inline(never)]
    pub(super) fn new(packed: &[i8], outputs: usize, inputs: usize) -> StepSchedule {
        /// Partners tried per step before it is left single (keeps the
        /// work linear in the steps).
        const TRIES: usize = 32;
        let k4 = inputs / 4;
        let blocks = outputs / BLOCK;
        let mut order = Vec::with_capacity(blocks * k4);
        let mut pairs = Vec::with_capacity(blocks);
        let mut lanes = vec![[0u16; 2 * BLOCK]; k4];
        for b in 0..blocks {
            // Each step's 32 lane sums: output `c`, inputs `2h` and `2h + 1`.
            for (step, lane) in lanes.iter_mut().enumerate() {
                for (l, v) in lane.iter_mut().enumerate() {
                    let at = ((b * k4 + step) * BLOCK + l / 2) * 4 + (l % 2) * 2;
                    *v = u16::from(packed[at].unsigned_abs())
                        + u16::from(packed[at + 1].unsigned_abs());
                }
            }
            let top = |s: usize| lanes[s].iter().copied().max().unwrap_or(0);
            let mut by_size: Vec<usize> = (0..k4).collect();
            by_size.sort_unstable_by_key(|&s| (std::cmp::Reverse(top(s)), s));
            let mut used = vec![false; k4];
            let mut singles = Vec::new();
            let start = order.len();
            for (at, &s) in by_size.iter().enumerate() {
                if used[s] {
                    continue;
                }
                used[s] = true;
                let partner = by_size[at + 1..]
                    .iter()
                    .rev()
                    .filter(|&&t| !used[t])
                    .take(TRIES)
                    .copied()
                    .find(|&t| {
                        lanes[s]
                            .iter()
                            .zip(&lanes[t])
                            .all(|(x, y)| x + y <= PAIR_LIMIT)
                    });
                match partner {
                    Some(t) => {
                        used[t] = true;
                        order.extend([s as u32, t as u32]);
                    }
                    None => singles.push(s as u32),
                }
            }
            pairs.push(((order.len() - start) / 2) as u32);
            singles.sort_unstable();
            order.extend(singles);
        }
        StepSchedule { order, pairs }
    }

    /// Block `b`'s order of steps and how many pairs lead it.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub(super) fn block(&self, b: usize, k4: usize) -> (&[u32], usize) {
        (&self.order[b * k4..(b + 1) * k4], self.pairs[b] as usize)
    }
}
