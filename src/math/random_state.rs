//! numpy's legacy `RandomState` draws that the lecture's data take: MT19937
//! seeded as `np.random.seed(S)`, its doubles, `uniform`, `standard_normal`
//! and `binomial(1, p)`.
//!
//! numpy freezes these streams by its compatibility policy (NEP 19), so a
//! seed gives the Python original's values on every machine and release.
//! Each function names the numpy source it follows (numpy 2.4,
//! `numpy/random/`).
use rand_mt::Mt;

/// Largest seed numpy's `RandomState.seed` takes for an integer: 2^32 − 1.
pub const MAX_SEED: u64 = u32::MAX as u64;

/// How far a uniform double must lie from q = 1 − p (and from 1) for
/// [`RandomState::bernoulli`] to decide without numpy's `exp(log(q))`:
/// thirty times the largest distance between the two.
const CLEAR: f64 = 1e-14;

/// The generator behind `np.random.seed(S)` and the draws after it.
#[derive(Debug, Clone)]
pub struct RandomState {
    mt: Mt,
    /// The second value of the last polar pair, kept for the next
    /// [`gauss`](Self::gauss) (numpy's `aug_state.gauss` and `has_gauss`).
    gauss: Option<f64>,
}

impl RandomState {
    /// `np.random.seed(seed)`: `_mt19937.pyx` `_legacy_seeding` takes an
    /// integer in 0..=2^32−1 to `mt19937_seed` (`src/mt19937/mt19937.c`),
    /// the reference `init_genrand`, which is `rand_mt`'s `Mt::new`. None
    /// outside that range, as numpy raises `ValueError` there.
    pub fn seed(seed: u64) -> Option<RandomState> {
        let seed = u32::try_from(seed).ok()?;
        Some(RandomState {
            mt: Mt::new(seed),
            gauss: None,
        })
    }

    /// `mt19937_next_double` (`src/mt19937/mt19937.h`), the legacy double
    /// in [0, 1): `a = next >> 5`, `b = next >> 6`, `(a·2^26 + b) / 2^53`.
    pub fn next_double(&mut self) -> f64 {
        let a = self.mt.next_u32() >> 5;
        let b = self.mt.next_u32() >> 6;
        (f64::from(a) * 67108864.0 + f64::from(b)) / 9007199254740992.0
    }

    /// `uniform(low, high)` for scalar bounds: `mtrand.pyx` `uniform` passes
    /// `low` and `range = high − low` to `random_uniform`
    /// (`src/distributions/distributions.c`): `lower + range · next_double`.
    /// numpy refuses a non-finite `range`; the caller checks it.
    pub fn uniform(&mut self, low: f64, range: f64) -> f64 {
        low + range * self.next_double()
    }

    /// `standard_normal()`: `mtrand.pyx` `standard_normal` draws each value
    /// with `legacy_gauss` (`src/legacy/legacy-distributions.c`), the polar
    /// Box–Muller method: `x1 = 2·u1 − 1`, `x2 = 2·u2 − 1` from two doubles,
    /// again while `r2 = x1·x1 + x2·x2` is >= 1 or 0, then
    /// `f = sqrt(−2·log(r2) / r2)`; it returns `f·x2` and keeps `f·x1` for
    /// the next call, which returns it without drawing. A `size=(n, k)`
    /// array is filled in C (row-major) order, one call per value.
    pub fn gauss(&mut self) -> f64 {
        if let Some(kept) = self.gauss.take() {
            return kept;
        }
        let (x1, x2, r2) = loop {
            let x1 = 2.0 * self.next_double() - 1.0;
            let x2 = 2.0 * self.next_double() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                break (x1, x2, r2);
            }
        };
        let f = (-2.0 * r2.ln() / r2).sqrt();
        self.gauss = Some(f * x1);
        f * x2
    }

    /// `binomial(1, p)`: `mtrand.pyx` `binomial` calls
    /// `legacy_random_binomial` (`src/legacy/legacy-distributions.c`), which
    /// for `n·min(p, 1 − p) <= 30` takes `legacy_random_binomial_inversion`,
    /// on `p` when `p <= 0.5` and on `1 − p` (returning `n − X`) otherwise.
    /// `p` in [0, 1].
    pub fn bernoulli(&mut self, p: f64) -> u8 {
        if p <= 0.5 {
            self.inversion(p)
        } else {
            1 - self.inversion(1.0 - p)
        }
    }

    /// `legacy_random_binomial_inversion` with n = 1 and `p` at most 0.5
    /// (or NaN), as [`inversion_exact`](Self::inversion_exact) computes it,
    /// without its `exp(log(q))` where the first double decides: that
    /// value lies within 1e-15 of q = 1 − p (q in [0.5, 1], libm's `log`
    /// and `exp` within an ulp each), so a double u farther than
    /// [`CLEAR`] from q gives 0 (u <= q) or, below 1 − CLEAR, 1 (u − qn
    /// then lies below p·qn/q, the second point's mass); the same value
    /// from the same single double.
    fn inversion(&mut self, p: f64) -> u8 {
        let q = 1.0 - p;
        let u = self.next_double();
        if (u - q).abs() > CLEAR && u < 1.0 - CLEAR {
            return u8::from(u > q);
        }
        self.inversion_exact(p, u)
    }

    /// `legacy_random_binomial_inversion` with n = 1, step for step, its
    /// first double `u` drawn already: the first point's mass
    /// `qn = exp(n·log(q))` (libm's `exp` and `log`, as numpy's C calls
    /// them), one double per try, and a fresh double when X passes
    /// `bound`, which for n = 1 is always 1.
    fn inversion_exact(&mut self, p: f64, u: f64) -> u8 {
        const N: i64 = 1;
        let q = 1.0 - p;
        let qn = (N as f64 * q.ln()).exp();
        let np = N as f64 * p;
        let bound = (N as f64).min(np + 10.0 * (np * q + 1.0).sqrt()) as i64;
        let mut x: i64 = 0;
        let mut px = qn;
        let mut u = u;
        while u > px {
            x += 1;
            if x > bound {
                x = 0;
                px = qn;
                u = self.next_double();
            } else {
                u -= px;
                px = ((N - x + 1) as f64 * p * px) / (x as f64 * q);
            }
        }
        x as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_numpys_range() {
        assert!(RandomState::seed(MAX_SEED).is_some());
        assert!(RandomState::seed(MAX_SEED + 1).is_none());
    }

    #[test]
    fn doubles_have_53_bits_in_the_unit_interval() {
        let mut r = RandomState::seed(0).unwrap();
        for _ in 0..10_000 {
            let u = r.next_double();
            assert!((0.0..1.0).contains(&u));
            assert_eq!(u, (u * 9007199254740992.0).trunc() / 9007199254740992.0);
        }
    }

    /// The fixture's raw draws (scripts/make_numpy_fixtures.py):
    /// `np.random.seed(s); np.random.standard_normal(m)`, value for value,
    /// an odd count included (the kept value is the last one).
    #[test]
    fn gauss_is_numpys_standard_normal() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/numpy/designs.json"
        );
        let fx: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cases = fx["standard_normal"].as_array().unwrap();
        assert!(!cases.is_empty());
        for c in cases {
            let mut r = RandomState::seed(c["seed"].as_u64().unwrap()).unwrap();
            for (i, want) in c["z"].as_array().unwrap().iter().enumerate() {
                let want = want.as_f64().unwrap();
                assert_eq!(r.gauss(), want, "seed {} value {i}", c["seed"]);
            }
        }
    }

    /// The shortcut gives numpy's draws: the same outcomes and the same
    /// doubles taken as the step-by-step inversion, over probabilities
    /// near 0, 1/2 and 1 and in between (the doubles near q and near 1
    /// that take the exact path are too rare to meet here, so the
    /// comparison is on the shortcut itself).
    #[test]
    fn bernoulli_equals_the_step_by_step_inversion() {
        let mut a = RandomState::seed(11).unwrap();
        let mut b = RandomState::seed(11).unwrap();
        let ps = [
            0.0,
            1e-300,
            1e-17,
            1e-9,
            0.1,
            0.3,
            0.5 - 1e-16,
            0.5,
            0.5 + 1e-16,
            0.9,
            1.0 - 1e-16,
            1.0,
        ];
        for i in 0..200_000 {
            let p = match i % 2 {
                0 => ps[i / 2 % ps.len()],
                _ => (i as f64 * 0.618_033_988_749_895).fract(),
            };
            let want = match p <= 0.5 {
                true => {
                    let u = b.next_double();
                    b.inversion_exact(p, u)
                }
                false => {
                    let u = b.next_double();
                    1 - b.inversion_exact(1.0 - p, u)
                }
            };
            assert_eq!(a.bernoulli(p), want, "draw {i}, p {p}");
        }
        assert_eq!(a.next_double(), b.next_double());
    }

    #[test]
    fn certain_outcomes_take_one_double_each() {
        let mut a = RandomState::seed(7).unwrap();
        let mut b = RandomState::seed(7).unwrap();
        for _ in 0..1000 {
            assert_eq!(a.bernoulli(0.0), 0);
            assert_eq!(a.bernoulli(1.0), 1);
            b.next_double();
            b.next_double();
        }
        assert_eq!(a.next_double(), b.next_double());
    }
}
