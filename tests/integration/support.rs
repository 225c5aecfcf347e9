//! Helpers: run the built `logreg` binary and show everything on failure.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of the `logreg` binary Cargo built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_logreg")
}

/// Result of one run, with the command line for failure messages.
pub struct Run {
    pub cmd: String,
    pub out: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    /// Everything about the run, for assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "command: {}\nstatus: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.cmd,
            self.out.status,
            self.stdout(),
            self.stderr()
        )
    }
    /// Assert exit code 0 and return stdout.
    pub fn ok(&self) -> String {
        assert_eq!(
            self.code(),
            Some(0),
            "expected success\n{}",
            self.describe()
        );
        self.stdout()
    }
}

/// Run `logreg` with `args`, no LD_LIBRARY_PATH, and a fixed
/// SOURCE_DATE_EPOCH so summary Date/Time are reproducible.
pub fn logreg<S: AsRef<str>>(args: &[S]) -> Run {
    let args: Vec<&str> = args.iter().map(|s| s.as_ref()).collect();
    let out = Command::new(bin())
        .args(&args)
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("RUST_BACKTRACE")
        .env("SOURCE_DATE_EPOCH", "1764288000")
        .output()
        .expect("cannot start logreg");
    Run {
        cmd: format!("logreg {}", args.join(" ")),
        out,
    }
}

/// A fresh, empty temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("logreg-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Folder of checked-in fixtures.
pub fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// Send SIGINT (Ctrl-C) to a running child, as a terminal would.
pub fn send_sigint(child: &std::process::Child) {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("cannot run kill");
    assert!(sent.success(), "kill -INT {} failed", child.id());
}

/// A JSON list of numbers (a fixture's column).
pub fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}
