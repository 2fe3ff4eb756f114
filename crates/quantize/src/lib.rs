//! Symmetric int8 quantisation with `f32` scales: the one quantiser of every
//! unspin model file.
//!
//! A group of values (a whole tensor, a row or a column) shares one scale,
//! `max |v| / 127` (`1.0` for an all-zero group), and each value is stored as
//! `round(v / scale)` clamped to `-127..=127` (rounding half away from zero,
//! [`f32::round`]); `-128` is never used, so the range is symmetric. Reading
//! back multiplies: `q as f32 * scale`. The round-trip error of a value is at
//! most half a step (`scale / 2`).
//!
//! Three groupings, each used by a model on purpose:
//! - [`quantize_tensor`]: one scale for the whole table (the fast tier's
//!   hashed linear models, `unspin-techniques`).
//! - [`quantize_rows`]: one scale per row (the neural encoder's matrices in
//!   PyTorch's `[outputs × inputs]` layout, `unspin-neural`).
//! - [`quantize_columns`]: one scale per column (the attribution tagger's
//!   `[buckets × tags]` table, one scale per tag, `unspin-attribution`; the
//!   neural int8 kernels' `[inputs × outputs]` weights, one scale per output).
//!
//! These functions define the bytes of the shipped model files: changing the
//! scale or the rounding changes every file and every golden score.
//!
//! The neural tier's run-time *activation* quantiser (`unspin-neural`'s
//! `math::quantize_rows_u8`) is deliberately not this one: it multiplies by
//! the reciprocal scale and rounds half to even so that it vectorises, and
//! shifts to unsigned bytes for the VNNI instruction.
//!
//! ```
//! use unspin_quantize::{dequantize_rows, quantize_rows};
//!
//! let (q, scales) = quantize_rows(&[0.5, -1.0, 0.0, 0.0], 2);
//! assert_eq!(q, [64, -127, 0, 0]);
//! assert_eq!(scales, [1.0 / 127.0, 1.0]);
//! let back = dequantize_rows(&q, &scales, 2);
//! assert!((back[0] - 0.5).abs() <= scales[0] / 2.0);
//! ```
#![deny(missing_docs)]

/// The largest quantised magnitude: values lie in `-127..=127`.
pub const Q_MAX: f32 = 127.0;

/// The scale of a group whose largest magnitude is `max_abs`:
/// `max_abs / 127`, or `1.0` when the group is all zeros.
#[inline]
pub fn scale_for(max_abs: f32) -> f32 {
    if max_abs > 0.0 {
        max_abs / Q_MAX
    } else {
        1.0
    }
}

/// The largest magnitude in `values` (`0.0` when empty; NaN is ignored).
#[inline]
pub fn max_abs(values: &[f32]) -> f32 {
    values.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

/// One value quantised with `scale`: `round(v / scale)` clamped to
/// `-127..=127` (NaN gives 0).
#[inline]
pub fn quantize_value(v: f32, scale: f32) -> i8 {
    // `as` saturates and maps NaN to 0.
    (v / scale).round().clamp(-Q_MAX, Q_MAX) as i8
}

/// One quantised value read back: `q as f32 * scale`.
#[inline]
pub fn dequantize_value(q: i8, scale: f32) -> f32 {
    f32::from(q) * scale
}

/// Quantises `data` with one scale for all of it: `(values, scale)`.
pub fn quantize_tensor(data: &[f32]) -> (Vec<i8>, f32) {
    let scale = scale_for(max_abs(data));
    let q = data.iter().map(|&v| quantize_value(v, scale)).collect();
    (q, scale)
}

/// Reads back a tensor quantised by [`quantize_tensor`].
pub fn dequantize_tensor(q: &[i8], scale: f32) -> Vec<f32> {
    q.iter().map(|&v| dequantize_value(v, scale)).collect()
}

/// Quantises a row-major matrix of `cols` columns with one scale per row:
/// `(values, scales)`, one scale for each row (a last, shorter row counts as
/// a row; `cols` 0 is taken as 1).
pub fn quantize_rows(data: &[f32], cols: usize) -> (Vec<i8>, Vec<f32>) {
    let cols = cols.max(1);
    let mut q = Vec::with_capacity(data.len());
    let mut scales = Vec::with_capacity(data.len().div_ceil(cols));
    for row in data.chunks(cols) {
        let s = scale_for(max_abs(row));
        scales.push(s);
        q.extend(row.iter().map(|&v| quantize_value(v, s)));
    }
    (q, scales)
}

/// Reads back a matrix quantised by [`quantize_rows`] (`scales` has one
/// entry per row of `cols` values; missing scales read as 0).
pub fn dequantize_rows(q: &[i8], scales: &[f32], cols: usize) -> Vec<f32> {
    let cols = cols.max(1);
    q.iter()
        .enumerate()
        .map(|(i, &v)| dequantize_value(v, scales.get(i / cols).copied().unwrap_or(0.0)))
        .collect()
}

/// Quantises a row-major matrix of `cols` columns with one scale per column:
/// `(values, scales)`, `cols` scales (`cols` 0 is taken as 1).
pub fn quantize_columns(data: &[f32], cols: usize) -> (Vec<i8>, Vec<f32>) {
    let cols = cols.max(1);
    let mut max = vec![0.0f32; cols];
    for (i, v) in data.iter().enumerate() {
        let m = &mut max[i % cols];
        *m = m.max(v.abs());
    }
    let scales: Vec<f32> = max.into_iter().map(scale_for).collect();
    let q = data
        .iter()
        .enumerate()
        .map(|(i, &v)| quantize_value(v, scales[i % cols]))
        .collect();
    (q, scales)
}

/// Reads back a matrix quantised by [`quantize_columns`] (`scales` has one
/// entry per column; missing scales read as 0).
pub fn dequantize_columns(q: &[i8], scales: &[f32], cols: usize) -> Vec<f32> {
    let cols = cols.max(1);
    q.iter()
        .enumerate()
        .map(|(i, &v)| dequantize_value(v, scales.get(i % cols).copied().unwrap_or(0.0)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn extremes_map_to_plus_minus_127() {
        let (q, s) = quantize_tensor(&[2.0, -2.0, 1.0, 0.0]);
        assert_eq!(q, [127, -127, 64, 0]);
        assert_eq!(s, 2.0 / 127.0);
        // The largest magnitude decides, whatever its sign.
        let (q, _) = quantize_tensor(&[-4.0, 1.0]);
        assert_eq!(q, [-127, 32]);
    }

    #[test]
    fn halves_round_away_from_zero() {
        // scale 1: the values are their own steps.
        let (q, s) = quantize_tensor(&[127.0, 0.5, -0.5, 1.5, -2.5]);
        assert_eq!(s, 1.0);
        assert_eq!(q, [127, 1, -1, 2, -3]);
    }

    #[test]
    fn zero_groups_get_scale_one_and_zero_values() {
        assert_eq!(quantize_tensor(&[0.0; 4]), (vec![0; 4], 1.0));
        let (q, s) = quantize_rows(&[0.0, 0.0, 3.0, -1.5], 2);
        assert_eq!(q, [0, 0, 127, -64]);
        assert_eq!(s, [1.0, 3.0 / 127.0]);
        let (q, s) = quantize_columns(&[0.0, 3.0, 0.0, -1.5], 2);
        assert_eq!(q, [0, 127, 0, -64]);
        assert_eq!(s, [1.0, 3.0 / 127.0]);
    }

    #[test]
    fn empty_and_degenerate_shapes() {
        assert_eq!(quantize_tensor(&[]), (vec![], 1.0));
        assert_eq!(quantize_rows(&[], 3), (vec![], vec![]));
        assert_eq!(quantize_columns(&[], 3), (vec![], vec![1.0; 3]));
        // cols 0 is one value per row / column.
        assert_eq!(quantize_rows(&[2.0], 0), (vec![127], vec![2.0 / 127.0]));
        assert_eq!(quantize_columns(&[2.0], 0), (vec![127], vec![2.0 / 127.0]));
        // A last short row is a row of its own.
        assert_eq!(quantize_rows(&[1.0, 1.0, 5.0], 2).1.len(), 2);
    }

    #[test]
    fn nan_and_infinity_do_not_panic() {
        let (q, s) = quantize_tensor(&[f32::NAN, 1.0]);
        assert_eq!(q, [0, 127]);
        assert_eq!(s, 1.0 / 127.0);
        assert_eq!(quantize_value(f32::INFINITY, 1.0), 127);
        assert_eq!(quantize_value(f32::NEG_INFINITY, 1.0), -127);
        assert_eq!(quantize_value(1.0, 0.0), 127);
        assert_eq!(quantize_value(0.0, 0.0), 0);
    }

    #[test]
    fn the_three_groupings_agree_on_one_group() {
        let data = [0.3, -0.7, 0.01, 0.69];
        let (t, ts) = quantize_tensor(&data);
        let (r, rs) = quantize_rows(&data, data.len());
        let (c, cs) = quantize_columns(&data, 1);
        assert_eq!(t, r);
        assert_eq!(t, c);
        assert_eq!([ts], rs.as_slice());
        assert_eq!([ts], cs.as_slice());
    }

    /// Round-trip error within half a step (plus float rounding of the
    /// division and product).
    fn within_half_step(v: f32, back: f32, scale: f32) -> bool {
        (v - back).abs() <= scale * 0.5 * (1.0 + 1e-5) + v.abs() * 1e-6
    }

    fn matrix() -> impl Strategy<Value = (Vec<f32>, usize)> {
        (1usize..8).prop_flat_map(|cols| {
            (
                proptest::collection::vec(
                    prop_oneof![Just(0.0f32), -1e6f32..1e6, -1.0f32..1.0],
                    0..64,
                )
                .prop_map(move |mut v| {
                    v.truncate(v.len() / cols * cols);
                    v
                }),
                Just(cols),
            )
        })
    }

    proptest! {
        #[test]
        fn tensor_round_trip_is_within_half_a_step(
            data in proptest::collection::vec(-1e6f32..1e6, 0..64)
        ) {
            let (q, s) = quantize_tensor(&data);
            prop_assert!(s > 0.0);
            prop_assert!(q.iter().all(|&v| v != i8::MIN));
            for (v, b) in data.iter().zip(dequantize_tensor(&q, s)) {
                prop_assert!(within_half_step(*v, b, s), "{v} -> {b} (scale {s})");
            }
        }

        #[test]
        fn row_round_trip_is_within_half_a_step((data, cols) in matrix()) {
            let (q, scales) = quantize_rows(&data, cols);
            prop_assert_eq!(scales.len(), data.len() / cols);
            let back = dequantize_rows(&q, &scales, cols);
            for (i, (v, b)) in data.iter().zip(&back).enumerate() {
                prop_assert!(within_half_step(*v, *b, scales[i / cols]));
            }
            // Every non-zero row uses its full range.
            for (row, qrow) in data.chunks(cols).zip(q.chunks(cols)) {
                if max_abs(row) > 0.0 {
                    prop_assert_eq!(qrow.iter().map(|v| v.unsigned_abs()).max(), Some(127));
                }
            }
        }

        #[test]
        fn column_round_trip_is_within_half_a_step((data, cols) in matrix()) {
            let (q, scales) = quantize_columns(&data, cols);
            prop_assert_eq!(scales.len(), cols);
            let back = dequantize_columns(&q, &scales, cols);
            for (i, (v, b)) in data.iter().zip(&back).enumerate() {
                prop_assert!(within_half_step(*v, *b, scales[i % cols]));
            }
        }

        #[test]
        fn columns_are_rows_of_the_transpose((data, cols) in matrix()) {
            let rows = data.len() / cols;
            let mut t = vec![0.0f32; data.len()];
            for r in 0..rows {
                for c in 0..cols {
                    t[c * rows + r] = data[r * cols + c];
                }
            }
            let (qc, sc) = quantize_columns(&data, cols);
            let (qr, sr) = quantize_rows(&t, rows);
            if rows > 0 {
                prop_assert_eq!(sc, sr);
                for r in 0..rows {
                    for c in 0..cols {
                        prop_assert_eq!(qc[r * cols + c], qr[c * rows + r]);
                    }
                }
            }
        }
    }
}
