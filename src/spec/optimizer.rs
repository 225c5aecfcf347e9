//! The network's optimiser: one of `torch.optim`'s, carrying its settings,
//! with PyTorch's defaults for the rest.
use std::fmt;
use std::str::FromStr;

use crate::setting::{in_fields, In, Setting, Worded, Wording};

/// A `torch.optim` optimiser and its settings. Default: plain SGD (the
/// lecture's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Optimizer {
    /// `torch.optim.SGD` (dampening 0, no weight decay).
    Sgd {
        /// Momentum, in [0, 1). Default 0.
        momentum: f64,
        /// Nesterov momentum (needs momentum > 0). Default false.
        nesterov: bool,
    },
    /// `torch.optim.Adam` (betas 0.9, 0.999; eps 1e-8).
    Adam,
    /// `torch.optim.AdamW` (weight decay 0.01).
    AdamW,
    /// `torch.optim.RMSprop` (alpha 0.99; eps 1e-8).
    RmsProp,
}

impl Default for Optimizer {
    fn default() -> Self {
        Optimizer::SGD
    }
}

/// What is wrong with an [`Optimizer`]'s settings.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimizerError {
    #[error("{}", in_fields(self))]
    NotSgd {
        /// The SGD setting given ([`Setting::Momentum`] or [`Setting::Nesterov`]).
        setting: Setting,
        /// The optimiser it was given with.
        name: &'static str,
    },
    #[error("{}", in_fields(self))]
    Momentum(f64),
    #[error("{}", in_fields(self))]
    Nesterov,
}

impl Worded for OptimizerError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |s: Setting| In(&s, w).to_string();
        match self {
            OptimizerError::NotSgd { setting, name } => write!(
                f,
                "{} is a setting of {} sgd; {} {name} does not use it",
                s(*setting),
                s(Setting::Optimizer),
                s(Setting::Optimizer)
            ),
            OptimizerError::Momentum(m) => {
                write!(f, "{} must be in [0, 1), got {m}", s(Setting::Momentum))
            }
            OptimizerError::Nesterov => write!(
                f,
                "{} needs {} > 0 with {} sgd",
                s(Setting::Nesterov),
                s(Setting::Momentum),
                s(Setting::Optimizer)
            ),
        }
    }
}

impl Optimizer {
    /// SGD with PyTorch's defaults (no momentum).
    pub const SGD: Optimizer = Optimizer::Sgd {
        momentum: 0.0,
        nesterov: false,
    };

    /// Every optimiser with PyTorch's defaults, in the order the help lists
    /// them.
    pub const ALL: [Optimizer; 4] = [
        Optimizer::SGD,
        Optimizer::Adam,
        Optimizer::AdamW,
        Optimizer::RmsProp,
    ];

    /// The name, as the JSON and `torch.optim` (lower case) spell it.
    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Sgd { .. } => "sgd",
            Optimizer::Adam => "adam",
            Optimizer::AdamW => "adamw",
            Optimizer::RmsProp => "rmsprop",
        }
    }

    /// This optimiser with SGD's settings: `momentum` (when given) and
    /// `nesterov` (when true) are SGD's alone, so another optimiser given
    /// either is refused.
    pub fn with_sgd(self, momentum: Option<f64>, nesterov: bool) -> Result<Self, OptimizerError> {
        match self {
            Optimizer::Sgd { .. } => Ok(Optimizer::Sgd {
                momentum: momentum.unwrap_or(0.0),
                nesterov,
            }),
            other => {
                let given = [
                    (Setting::Momentum, momentum.is_some()),
                    (Setting::Nesterov, nesterov),
                ];
                match given.into_iter().find(|(_, given)| *given) {
                    Some((setting, _)) => Err(OptimizerError::NotSgd {
                        setting,
                        name: other.name(),
                    }),
                    None => Ok(other),
                }
            }
        }
    }

    /// Check the settings: momentum in [0, 1), Nesterov only with momentum.
    pub fn check(self) -> Result<(), OptimizerError> {
        match self {
            Optimizer::Sgd { momentum, .. } if !(0.0..1.0).contains(&momentum) => {
                Err(OptimizerError::Momentum(momentum))
            }
            Optimizer::Sgd {
                momentum: 0.0,
                nesterov: true,
            } => Err(OptimizerError::Nesterov),
            _ => Ok(()),
        }
    }
}

/// The name ([`Optimizer::name`]).
impl fmt::Display for Optimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Optimizer {
    type Err = UnknownOptimizer;

    /// The optimiser of that name, exactly as [`Optimizer::name`] spells
    /// it, with PyTorch's defaults.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let found = Optimizer::ALL.into_iter().find(|o| o.name() == s);
        found.ok_or_else(|| UnknownOptimizer(s.to_string()))
    }
}

/// An optimiser name that is not one of [`Optimizer::ALL`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown optimizer {0:?}; the optimizers are sgd, adam, adamw, rmsprop")]
pub struct UnknownOptimizer(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_with_pytorch_defaults() {
        let names = Optimizer::ALL.map(Optimizer::name);
        assert_eq!(names, ["sgd", "adam", "adamw", "rmsprop"]);
        let parsed = names.map(|n| n.parse::<Optimizer>());
        assert_eq!(parsed, Optimizer::ALL.map(Ok));
        assert_eq!(Optimizer::default(), Optimizer::SGD);
        let e = "Adam".parse::<Optimizer>().unwrap_err();
        assert_eq!(e, UnknownOptimizer("Adam".into()));
    }

    #[test]
    fn rejects_sgd_settings_on_other_optimizers() {
        let sgd = Optimizer::SGD.with_sgd(Some(0.9), true);
        let want = Optimizer::Sgd {
            momentum: 0.9,
            nesterov: true,
        };
        assert_eq!(sgd, Ok(want));
        let adam = Optimizer::Adam.with_sgd(Some(0.0), true);
        let e = OptimizerError::NotSgd {
            setting: Setting::Momentum,
            name: "adam",
        };
        assert_eq!(adam, Err(e));
        let rms = Optimizer::RmsProp.with_sgd(None, true).unwrap_err();
        assert!(matches!(
            rms,
            OptimizerError::NotSgd {
                setting: Setting::Nesterov,
                name: "rmsprop"
            }
        ));
        assert_eq!(Optimizer::AdamW.with_sgd(None, false), Ok(Optimizer::AdamW));
    }

    #[test]
    fn rejects_momentum_out_of_range_and_nesterov_without_momentum() {
        let sgd = |momentum, nesterov| Optimizer::Sgd { momentum, nesterov };
        assert_eq!(sgd(1.0, false).check(), Err(OptimizerError::Momentum(1.0)));
        assert_eq!(sgd(-0.1, true).check(), Err(OptimizerError::Momentum(-0.1)));
        assert_eq!(sgd(0.0, true).check(), Err(OptimizerError::Nesterov));
        assert_eq!(sgd(-0.0, true).check(), Err(OptimizerError::Nesterov));
        assert_eq!(sgd(0.5, true).check(), Ok(()));
        assert_eq!(Optimizer::Adam.check(), Ok(()));
    }
}
