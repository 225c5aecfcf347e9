//! Whose fault an error is: the input (data, flags, settings) or the fit.
//! Every library error type says which with a `kind()` method, and the
//! binary turns the kind into its exit code (2 and 1).

/// What kind of failure an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The data or the settings cannot be used: fix the input and rerun.
    BadInput,
    /// The input was accepted but the fit or the training failed.
    FitFailed,
}
