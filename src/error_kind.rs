//! Whose fault an error is: the input (data, flags, settings), the fit, or
//! the user who stopped the work. Every library error type says which with a
//! `kind()` method, and the binary turns the kind into its exit code (2, 1,
//! 3 and 130).

/// What kind of failure an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The data or the settings cannot be used: fix the input and rerun.
    BadInput,
    /// The input was accepted but the fit or the training failed.
    FitFailed,
    /// The work was stopped on request (Ctrl-C) before it finished.
    Interrupted,
    /// A study summarized without some of its runs: its figures cover only
    /// the runs it has.
    Incomplete,
}
