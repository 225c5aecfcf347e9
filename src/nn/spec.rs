//! What the network models besides the data: its link (output activation),
//! per-row weights and an offset, passed to training next to the Dataset.
use std::borrow::Cow;
use std::fmt;

use tch::{Device, Kind, TchError, Tensor};

use super::config::Precision;
use crate::setting::{In, Remedy, Worded, Wording};
use crate::spec::roles::RowValues;
use crate::spec::LinkKind;

/// The model around the data. The default (sigmoid, no weights, no offset)
/// is the lecture's network.
///
/// Weights: statsmodels has two kinds, `freq_weights` (a row that stands for
/// w identical rows) and `var_weights` (a row whose variance is divided by
/// w). Both scale the row's log-likelihood term by w, so the maximum-
/// likelihood estimate depends only on their product: the network takes
/// one per-row weight, w = freq · var ([`ModelSpec::new`]),
/// as the per-sample `weight` of PyTorch's `BCELoss(weight=w)` (mean
/// reduction: Σ wᵢ·ℓᵢ / n), whose minimiser is the weighted MLE. (They
/// differ in the GLM's counts and standard errors, which the network does
/// not report.) Binomial counts train on the proportions of successes with
/// the trials as a third factor of the weight: Σ nᵢ·ℓ(pᵢ) is the binomial
/// log-likelihood up to a constant, so it has the same maximiser.
///
/// Offset: added to the linear output, η = Linear(x) + offset, on the η
/// scale, so `--standardize` leaves it as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelSpec<'a> {
    /// The link, whose inverse is the output activation. Default logit
    /// (sigmoid).
    pub link: LinkKind,
    /// One weight per row, ≥ 0 and finite, not all 0: a column borrowed as
    /// it was read, or the product of two. Default none (all 1).
    pub weights: Option<Cow<'a, [f64]>>,
    /// One offset per row, finite. Default none (all 0).
    pub offset: Option<&'a [f64]>,
}

/// What is wrong with a [`ModelSpec`] for the data at hand.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    #[error("the {what} has {got} values for {n} rows")]
    Length {
        what: &'static str,
        got: usize,
        n: usize,
    },
    #[error("the weight of row {row} is {}: weights must be finite and >= 0", crate::numfmt::Short(*.value))]
    Weight { row: usize, value: f64 },
    #[error("every weight is 0: nothing to fit")]
    AllZero,
    #[error("the offset of row {row} is {}: offsets must be finite", crate::numfmt::Short(*.value))]
    Offset { row: usize, value: f64 },
    #[error("{}", crate::setting::in_fields(self))]
    F32 {
        what: &'static str,
        row: usize,
        value: f64,
    },
}

impl Worded for SpecError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::F32 { what, row, value } => write!(
                f,
                "the {what} of row {row} is {value:e}, which does not fit in float32; {}",
                In(&Remedy::UseF64, w)
            ),
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl<'a> ModelSpec<'a> {
    /// The lecture's model: sigmoid, no weights, no offset. Training takes
    /// its fast path (replayed kernels) only for this.
    pub fn is_plain(&self) -> bool {
        self.link == LinkKind::Logit && self.weights.is_none() && self.offset.is_none()
    }

    /// The model with `link` for the rows' roles: statsmodels' two weights
    /// and the trials of binomial counts as the network's one weight (their
    /// product, row by row, computed once where two are given; a single one
    /// borrowed as it is) and the offset. The network takes no groups.
    pub fn new(link: LinkKind, rows: &RowValues<'a>) -> Self {
        let given: Vec<&'a [f64]> = [rows.freq_weights, rows.var_weights, rows.trials]
            .into_iter()
            .flatten()
            .collect();
        let weights = match given[..] {
            [] => None,
            [w] => Some(Cow::Borrowed(w)),
            [first, ref rest @ ..] => Some(Cow::Owned(
                (0..first.len())
                    .map(|i| rest.iter().fold(first[i], |p, w| p * w[i]))
                    .collect(),
            )),
        };
        ModelSpec {
            link,
            weights,
            offset: rows.offset,
        }
    }

    /// Check the spec against `n` rows trained in `precision`. Rows are
    /// counted from 1.
    pub fn check(&self, n: usize, precision: Precision) -> Result<(), SpecError> {
        let fits = |v: f64| precision == Precision::F64 || v.abs() <= f64::from(f32::MAX);
        // A weight other than 0 below float32's smallest normal number
        // rounds to a subnormal or to 0, and its gradient vanishes.
        let weight_fits = |v: f64| {
            fits(v)
                && (precision == Precision::F64 || v == 0.0 || v >= f64::from(f32::MIN_POSITIVE))
        };
        if let Some(w) = &self.weights {
            check_len("weights", w, n)?;
            if let Some((i, &value)) = w
                .iter()
                .enumerate()
                .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
            {
                return Err(SpecError::Weight { row: i + 1, value });
            }
            if w.iter().all(|&v| v == 0.0) {
                return Err(SpecError::AllZero);
            }
            too_big("weight", w, &weight_fits)?;
        }
        if let Some(o) = self.offset {
            check_len("offset", o, n)?;
            if let Some((i, &value)) = o.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(SpecError::Offset { row: i + 1, value });
            }
            too_big("offset", o, &fits)?;
        }
        Ok(())
    }
}

fn check_len(what: &'static str, v: &[f64], n: usize) -> Result<(), SpecError> {
    match v.len() == n {
        true => Ok(()),
        false => Err(SpecError::Length {
            what,
            got: v.len(),
            n,
        }),
    }
}

fn too_big(what: &'static str, v: &[f64], fits: &dyn Fn(f64) -> bool) -> Result<(), SpecError> {
    match v.iter().enumerate().find(|(_, &x)| !fits(x)) {
        Some((i, &value)) => Err(SpecError::F32 {
            what,
            row: i + 1,
            value,
        }),
        None => Ok(()),
    }
}

/// A per-row column as an n × 1 tensor of `kind` on `device` (cast from f64,
/// as `torch.tensor(numpy_f64, dtype=...)` does).
pub(crate) fn column_tensor(v: &[f64], kind: Kind, device: Device) -> Result<Tensor, TchError> {
    Tensor::f_from_slice(v)?
        .f_view([-1, 1])?
        .f_to_kind(kind)?
        .f_to_device(device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_the_product_of_freq_and_var_and_a_single_one_is_borrowed() {
        let f = [1.0, 2.0, 3.0];
        let v = [0.5, 0.5, 2.0];
        let o = [0.0, 1.0, -1.0];
        let rows = |f, v| RowValues {
            freq_weights: f,
            var_weights: v,
            offset: Some(&o[..]),
            groups: None,
            trials: None,
        };
        let both = ModelSpec::new(LinkKind::Probit, &rows(Some(&f[..]), Some(&v[..])));
        assert_eq!(both.weights.as_deref(), Some(&[0.5, 1.0, 6.0][..]));
        assert_eq!(both.link, LinkKind::Probit);
        assert!(std::ptr::eq(both.offset.unwrap(), &o[..]));
        let var = ModelSpec::new(LinkKind::Logit, &rows(None, Some(&v[..])));
        assert!(matches!(var.weights, Some(Cow::Borrowed(w)) if std::ptr::eq(w, &v[..])));
        assert_eq!(
            ModelSpec::new(LinkKind::Logit, &rows(None, None)).weights,
            None
        );
        // Binomial trials are a factor of the weight too.
        let t = [4.0, 1.0, 2.0];
        let with_trials = |r: RowValues<'_>| {
            let r = RowValues {
                trials: Some(&t[..]),
                ..r
            };
            ModelSpec::new(LinkKind::Logit, &r)
                .weights
                .map(|w| w.to_vec())
        };
        assert_eq!(with_trials(rows(None, None)), Some(t.to_vec()));
        assert_eq!(
            with_trials(rows(None, Some(&v[..]))),
            Some(vec![2.0, 0.5, 4.0])
        );
    }

    #[test]
    fn rejects_bad_weights_and_offsets() {
        let spec = |w: Option<Vec<f64>>, o: Option<&'static [f64]>| ModelSpec {
            weights: w.map(Cow::Owned),
            offset: o,
            ..ModelSpec::default()
        };
        let f32 = Precision::F32;
        for (s, want) in [
            (
                spec(Some(vec![1.0]), None),
                SpecError::Length {
                    what: "weights",
                    got: 1,
                    n: 2,
                },
            ),
            (
                spec(Some(vec![1.0, -1.0]), None),
                SpecError::Weight {
                    row: 2,
                    value: -1.0,
                },
            ),
            (spec(Some(vec![0.0, 0.0]), None), SpecError::AllZero),
            (
                spec(None, Some(&[f64::INFINITY, 0.0])),
                SpecError::Offset {
                    row: 1,
                    value: f64::INFINITY,
                },
            ),
            (
                spec(None, Some(&[0.0, 1e39])),
                SpecError::F32 {
                    what: "offset",
                    row: 2,
                    value: 1e39,
                },
            ),
        ] {
            assert_eq!(s.check(2, f32), Err(want));
        }
        assert_eq!(
            spec(Some(vec![0.0, 1e39]), Some(&[1e39, 0.0])).check(2, Precision::F64),
            Ok(())
        );
    }
}
