//! numpy's `X @ beta` for a C-ordered (n, m) matrix: the sum order and fused
//! multiply-adds of the OpenBLAS kernels numpy's matmul calls.
//!
//! numpy (`_core/src/umath/matmul.c.src`) takes one row (n = 1) to its
//! `DOUBLE_dot`, `0 + cblas_ddot`, and more rows (`matrix_vector`) to
//! `cblas_dgemv(ColMajor, Trans, m, n, ...)`. OpenBLAS's `ddot`
//! (`kernel/x86_64/ddot.c`) sums fewer than 16 terms one after another,
//! each fused (`dot += y[i]·x[i]` compiled with FMA).
//! OpenBLAS's x86-64 kernel for FMA machines (`kernel/x86_64/dgemv_t_4.c`
//! with `dgemv_t_microk_haswell-4.c`: Haswell, Zen, SkylakeX and later)
//! sums each output as: the first `m & !3` terms in four lanes, each lane
//! `fma`-accumulated, then `(l0 + l2) + (l1 + l3)`; then the last `m & 3`
//! terms as the C tail compiles (`y += a0·x0` fused; `y += a0·x0 + a1·x1` as
//! `y + fma(a0, x0, a1·x1)`; three terms as
//! `y + fma(a2, x2, fma(a0, x0, a1·x1))`). Checked against numpy on such a
//! machine for m = 2 to 7; other kernels (older CPUs, other BLAS builds)
//! may round the last bit differently.

/// `X @ beta` for the row-major `x` with `beta.len()` columns, as numpy
/// computes it. Compiled with the FMA instructions where the CPU has them
/// (else each `mul_add` is a call): a fused multiply-add is one IEEE
/// operation, so both give the same bits.
pub fn numpy_matvec(x: &[f64], beta: &[f64]) -> Vec<f64> {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "fma")]
        unsafe fn fused(x: &[f64], beta: &[f64]) -> Vec<f64> {
            matvec(x, beta)
        }
        if std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports FMA (checked just above).
            return unsafe { fused(x, beta) };
        }
    }
    matvec(x, beta)
}

/// [`numpy_matvec`] for the baseline CPU.
#[inline(always)]
fn matvec(x: &[f64], beta: &[f64]) -> Vec<f64> {
    let m = beta.len();
    match x.len() == m {
        true => vec![ddot(x, beta)],
        false => x.chunks_exact(m).map(|row| gemv_row(row, beta)).collect(),
    }
}

/// numpy's one-row product: `0 + ddot`, the terms fused one after another
/// (blocks of 16 terms, which OpenBLAS sums in lanes, are not followed).
#[inline(always)]
fn ddot(row: &[f64], beta: &[f64]) -> f64 {
    0.0 + row
        .iter()
        .zip(beta)
        .fold(0.0, |acc, (a, b)| a.mul_add(*b, acc))
}

/// One row of `dgemv_t`.
#[inline(always)]
fn gemv_row(row: &[f64], beta: &[f64]) -> f64 {
    debug_assert_eq!(row.len(), beta.len());
    let m = row.len();
    let blocked = m & !3;
    let mut y = 0.0;
    if blocked > 0 {
        let mut lanes = [0.0f64; 4];
        for (a, x) in row[..blocked]
            .chunks_exact(4)
            .zip(beta[..blocked].chunks_exact(4))
        {
            for i in 0..4 {
                lanes[i] = a[i].mul_add(x[i], lanes[i]);
            }
        }
        y += (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]);
    }
    let (a, x) = (&row[blocked..], &beta[blocked..]);
    match a.len() {
        0 => y,
        1 => a[0].mul_add(x[0], y),
        2 => y + a[0].mul_add(x[0], a[1] * x[1]),
        _ => y + a[2].mul_add(x[2], a[0].mul_add(x[0], a[1] * x[1])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_is_a_fused_chain_and_more_rows_round_the_last_product() {
        // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60: a fused -1 + (1 + t)^2 keeps
        // the 2^-60, a rounded product loses it.
        let t = 2f64.powi(-30);
        let (row, beta) = ([1.0, 1.0 + t], [-1.0, 1.0 + t]);
        assert_eq!(numpy_matvec(&row, &beta), vec![2.0 * t + t * t]);
        let two = [row, row].concat();
        assert_eq!(numpy_matvec(&two, &beta), vec![2.0 * t; 2]);
    }

    /// The FMA-compiled product and the baseline one agree to the bit.
    #[test]
    fn fused_and_baseline_builds_agree() {
        for m in 1..=9 {
            let x: Vec<f64> = (0..50 * m)
                .map(|i| ((i * 7919 % 1009) as f64 / 37.0).sin() * 3.0)
                .collect();
            let beta: Vec<f64> = (0..m).map(|j| 0.3 - j as f64 * 0.7).collect();
            let want: Vec<u64> = matvec(&x, &beta).iter().map(|v| v.to_bits()).collect();
            let got: Vec<u64> = numpy_matvec(&x, &beta)
                .iter()
                .map(|v| v.to_bits())
                .collect();
            assert_eq!(got, want, "m {m}");
        }
    }

    #[test]
    fn exact_sums_are_exact() {
        assert_eq!(gemv_row(&[1.0, 2.0, 3.0], &[0.5, 0.25, 2.0]), 7.0);
        let row: Vec<f64> = (1..=9).map(f64::from).collect();
        assert_eq!(gemv_row(&row, &[1.0; 9]), 45.0);
    }

    #[test]
    fn a_zero_sum_is_positive_zero() {
        assert!(gemv_row(&[1.0, 1.0], &[-0.0, -0.0]).is_sign_positive());
    }
}
