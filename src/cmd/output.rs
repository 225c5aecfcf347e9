//! Where results go: stdout, or a file written whole or not at all.
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use logreg::plot::Plot;

/// Write `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed and synced, then renamed over the target. An existing file is
/// never left half-overwritten.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("{}: cannot write", path.display()));
    }
    Ok(())
}

/// A destination for text output.
pub enum Output {
    Stdout,
    File(PathBuf),
}

impl Output {
    pub fn from_arg(p: Option<&PathBuf>) -> Self {
        match p {
            Some(p) if p.as_os_str() != "-" => Output::File(p.clone()),
            _ => Output::Stdout,
        }
    }

    /// Write everything at once; a closed stdout is reported as BrokenPipe.
    pub fn write(&self, text: &str) -> anyhow::Result<()> {
        match self {
            Output::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes())?;
                out.flush()?;
                Ok(())
            }
            Output::File(p) => write_atomic(p, text.as_bytes()),
        }
    }
}

/// Print to stdout (a result), handling a closed pipe.
pub fn print(text: &str) -> anyhow::Result<()> {
    Output::Stdout.write(text)
}

/// Write each picture into `dir` (created if missing), atomically, and list
/// it on stderr. Shared by every command with `--plots`.
pub fn write_plots(dir: &Path, plots: &[Plot]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    for p in plots {
        let path = dir.join(p.name);
        write_atomic(&path, p.svg.as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
