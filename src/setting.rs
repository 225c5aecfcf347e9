//! How error messages name what the user sets: a [`Setting`] (a config
//! field) and a [`Remedy`] (what to change). The library speaks in config
//! fields (`n`, `lr`); a front end that sets them another way (the binary:
//! with flags) renders a message in its own [`Wording`], passed as a value
//! ([`Worded`], [`In`]), and the message then says `--n`, `--lr`, as the
//! user typed them.
use std::fmt;

/// A setting of a config ([`SimConfig`](crate::simulate::SimConfig),
/// [`TrainConfig`](crate::nn::TrainConfig),
/// [`RepeatConfig`](crate::study::RepeatConfig),
/// [`CsvOptions`](crate::data::CsvOptions)) that a message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    N,
    Beta,
    Low,
    High,
    Seed,
    Runs,
    Chunk,
    Lr,
    Momentum,
    Nesterov,
    Optimizer,
    BatchSize,
    Tol,
    LogEvery,
    Standardize,
    Precision,
    Device,
    Autograd,
    /// A data file's per-row columns (CsvOptions::roles).
    FreqWeights,
    VarWeights,
    Offset,
    Groups,
    /// Binomial counts: the failures column next to the target's successes.
    Failures,
    /// The simulated features' distribution.
    XDist,
    /// The simulated features' common correlation.
    XCorr,
    /// How a study's cells take their seeds.
    Seeds,
}

impl Setting {
    /// Every setting, for front ends and tests that go through them all.
    pub const ALL: [Setting; 26] = [
        Setting::N,
        Setting::Beta,
        Setting::Low,
        Setting::High,
        Setting::Seed,
        Setting::Runs,
        Setting::Chunk,
        Setting::Lr,
        Setting::Momentum,
        Setting::Nesterov,
        Setting::Optimizer,
        Setting::BatchSize,
        Setting::Tol,
        Setting::LogEvery,
        Setting::Standardize,
        Setting::Precision,
        Setting::Device,
        Setting::Autograd,
        Setting::FreqWeights,
        Setting::VarWeights,
        Setting::Offset,
        Setting::Groups,
        Setting::Failures,
        Setting::XDist,
        Setting::XCorr,
        Setting::Seeds,
    ];

    /// The config field's name (`n`, `batch_size`).
    pub fn field(self) -> &'static str {
        match self {
            Setting::N => "n",
            Setting::Beta => "beta",
            Setting::Low => "low",
            Setting::High => "high",
            Setting::Seed => "seed",
            Setting::Runs => "runs",
            Setting::Chunk => "chunk",
            Setting::Lr => "lr",
            Setting::Momentum => "momentum",
            Setting::Nesterov => "nesterov",
            Setting::Optimizer => "optimizer",
            Setting::BatchSize => "batch_size",
            Setting::Tol => "tol",
            Setting::LogEvery => "every",
            Setting::Standardize => "standardize",
            Setting::Precision => "precision",
            Setting::Device => "device",
            Setting::Autograd => "autograd",
            Setting::FreqWeights => "freq_weights",
            Setting::VarWeights => "var_weights",
            Setting::Offset => "offset",
            Setting::Groups => "groups",
            Setting::Failures => "failures",
            Setting::XDist => "x_dist",
            Setting::XCorr => "x_corr",
            Setting::Seeds => "seeds",
        }
    }
}

/// The setting by its config field's name.
impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

impl Worded for Setting {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str((w.setting)(*self))
    }
}

/// What the user can change to get past an error, worded by the front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// A smaller learning rate, or standardized features.
    SmallerLrOrStandardize,
    /// A smaller learning rate, or float64.
    SmallerLrOrF64,
    /// Standardized features, or float64.
    StandardizeOrF64,
    /// Float64.
    UseF64,
    /// Train on the CPU.
    UseCpu,
    /// Drop the rows with missing values.
    DropMissing,
    /// Set the field separator.
    SetDelimiter,
    /// A formula, which reads a text column as categories.
    UseFormula,
    /// A narrower box for the simulated features.
    NarrowerBox,
    /// Run the study's run with this seed alone, to see where it failed.
    ReplayRun(u64),
}

impl Remedy {
    /// The library's own wording, in config fields.
    fn in_fields(self) -> String {
        match self {
            Remedy::SmallerLrOrStandardize => "try a smaller lr or standardize".into(),
            Remedy::SmallerLrOrF64 => "use a smaller lr or precision f64".into(),
            Remedy::StandardizeOrF64 => "use standardize or precision f64".into(),
            Remedy::UseF64 => "use precision f64".into(),
            Remedy::UseCpu => "use the cpu device".into(),
            Remedy::DropMissing => "the missing policy Drop drops such rows".into(),
            Remedy::SetDelimiter => "set the delimiter".into(),
            Remedy::UseFormula => "a formula reads it as categories".into(),
            Remedy::NarrowerBox => "use a narrower low/high".into(),
            Remedy::ReplayRun(seed) => format!("training seed {seed} alone names the step"),
        }
    }
}

/// The remedy in the library's own wording.
impl fmt::Display for Remedy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_fields())
    }
}

impl Worded for Remedy {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&(w.remedy)(*self))
    }
}

/// How a front end names settings and words remedies.
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    pub setting: fn(Setting) -> &'static str,
    pub remedy: fn(Remedy) -> String,
}

impl Wording {
    /// The library's wording: config field names. Every message's
    /// `Display` uses it.
    pub const FIELDS: Wording = Wording {
        setting: Setting::field,
        remedy: Remedy::in_fields,
    };
}

/// Two wordings are the same when they use the same functions.
impl PartialEq for Wording {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.setting, other.setting)
            && std::ptr::fn_addr_eq(self.remedy, other.remedy)
    }
}

impl Default for Wording {
    fn default() -> Self {
        Wording::FIELDS
    }
}

/// A message that names settings or remedies, written in the wording a
/// caller passes; its `Display` is the message in [`Wording::FIELDS`].
pub trait Worded {
    /// Write the message in wording `w`.
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// A [`Worded`] message in a wording, for a format argument: `{}` writes
/// `In(&e, &w)` as `e` says it in `w`.
pub struct In<'a, T: ?Sized>(pub &'a T, pub &'a Wording);

impl<T: Worded + ?Sized> fmt::Display for In<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write(self.1, f)
    }
}

/// `x` in the library's wording: the `Display` of a [`Worded`] message.
pub(crate) fn in_fields<T: Worded + ?Sized>(x: &T) -> In<'_, T> {
    In(x, &Wording::FIELDS)
}

/// Text that names settings (`n 1000 with 3 coefficients`): plain parts
/// and settings, written in a wording.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Phrase(pub Vec<Part>);

/// A part of a [`Phrase`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Setting(Setting),
}

impl From<String> for Part {
    fn from(s: String) -> Self {
        Part::Text(s)
    }
}

impl From<&str> for Part {
    fn from(s: &str) -> Self {
        Part::Text(s.to_string())
    }
}

impl From<Setting> for Part {
    fn from(s: Setting) -> Self {
        Part::Setting(s)
    }
}

impl Worded for Phrase {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.0 {
            match part {
                Part::Text(t) => f.write_str(t)?,
                Part::Setting(s) => s.write(w, f)?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(&Wording::FIELDS, f)
    }
}
