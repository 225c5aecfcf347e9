//! `glm --max-memory` and `--no-cache`: the fit streamed from the design
//! cache equals the in-memory fit, whatever the block size; the cache
//! follows the file; bad sizes are refused in one line.
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{bin, fixtures, temp_dir, Run};

/// Streamed against in-memory fits: the same rows in the same order, only
/// the blocks in which the QR factors and the compensated sums are
/// combined differ, so they agree to rounding: a few ulps per merge, at
/// most the required 1e-12 relative (measured 2e-14 on 100,000 rows in
/// blocks of 15).
const STREAM_RTOL: f64 = 1e-12;

/// Bytes of memory per row of a block (the rule of `glm::bytes_per_row`:
/// the raw row of k + 1 f64 and its split copy).
fn bytes_per_row(k: usize) -> usize {
    16 * (k + 1)
}

/// Run `logreg` with its cache folder in `cache`.
fn logreg_in(cache: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .env("SOURCE_DATE_EPOCH", "1764288000")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("cannot start logreg");
    Run {
        cmd: format!("logreg {}", args.join(" ")),
        out,
    }
}

/// The files in the design cache folder under `cache`.
fn cached(cache: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(cache.join("logreg/designs")) {
        Ok(d) => d.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Keys not compared: the wall clock, and the p-values (see
/// [`assert_same_fit`]).
const NOT_COMPARED: [&str; 2] = ["time_s", "pvalues"];

/// Whether a JSON value holds numbers only (a number, or lists of them).
fn is_numeric(v: &Value) -> bool {
    match v {
        Value::Number(_) => true,
        Value::Array(a) => a.iter().all(is_numeric),
        _ => false,
    }
}

fn numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.push(n.as_f64().unwrap()),
        Value::Array(a) => a.iter().for_each(|x| numbers(x, out)),
        _ => panic!("not a number: {v}"),
    }
}

/// Assert `streamed` equals `memory`: every key of its JSON, the numbers
/// within [`STREAM_RTOL`], the rest (iterations, names, warnings) equal. A p-value far in the tail, p ≈ φ(z)/z, moves z² times
/// more (relatively) than its z does (anes96: z = 14, p = 2e-46), so each
/// is compared within STREAM_RTOL · max(1, z²).
fn assert_same_fit(memory: &Value, streamed: &Value, what: &str) {
    assert_eq!(memory["iterations"], streamed["iterations"], "{what}");
    let keys = memory.as_object().unwrap().keys();
    assert_eq!(keys.len(), streamed.as_object().unwrap().len(), "{what}");
    for key in keys.filter(|k| !NOT_COMPARED.contains(&k.as_str())) {
        if !is_numeric(&memory[key]) {
            assert_eq!(memory[key], streamed[key], "{what}: {key}");
            continue;
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        numbers(&memory[key], &mut a);
        numbers(&streamed[key], &mut b);
        assert_eq!(a.len(), b.len(), "{what}: {key}");
        for (x, y) in a.iter().zip(&b) {
            assert!(
                (x - y).abs() <= STREAM_RTOL * x.abs(),
                "{what}: {key}: in memory {x}, streamed {y}"
            );
        }
    }
    let (mut z, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
    numbers(&memory["tvalues"], &mut z);
    numbers(&memory["pvalues"], &mut a);
    numbers(&streamed["pvalues"], &mut b);
    for ((z, x), y) in z.iter().zip(&a).zip(&b) {
        let rtol = STREAM_RTOL * (z * z).max(1.0);
        assert!(
            (x - y).abs() <= rtol * x.abs(),
            "{what}: p-value at z {z}: in memory {x}, streamed {y}"
        );
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.ok()).unwrap()
}

#[test]
fn streamed_fit_equals_in_memory_fit_at_several_block_sizes() {
    let cache = temp_dir("stream-blocks");
    for (file, target, link) in [
        ("lecture.csv", "y", "logit"),
        ("anes96.csv", "vote", "logit"),
        ("spector.csv", "GRADE", "probit"),
    ] {
        let data = fixtures().join("glm").join(file);
        let data = data.to_str().unwrap();
        let base = ["glm", "--data", data, "--target", target, "--link", link];
        let memory = json(&logreg_in(&cache, &[&base[..], &["--json"]].concat()));
        let k = memory["names"].as_array().unwrap().len();
        for rows in [1, 7, 1000] {
            let limit = (rows * bytes_per_row(k)).to_string();
            let args = [&base[..], &["--json", "--max-memory", &limit]].concat();
            let streamed = json(&logreg_in(&cache, &args));
            assert_same_fit(&memory, &streamed, &format!("{file}, {rows} rows a block"));
        }
        // The table too: every number printed as statsmodels rounds it.
        let table = logreg_in(&cache, &base).ok();
        let limit = (7 * bytes_per_row(k)).to_string();
        let streamed = logreg_in(&cache, &[&base[..], &["--max-memory", &limit]].concat()).ok();
        assert_eq!(table, streamed, "{file}: summary");
    }
}

#[test]
fn the_cache_follows_the_file() {
    let cache = temp_dir("stream-rewrite");
    let dir = temp_dir("stream-rewrite-data");
    let data = dir.join("d.csv");
    let d = data.to_str().unwrap();
    let fit = |streamed: bool| {
        let mut args = vec!["glm", "--data", d, "--json"];
        if streamed {
            args.extend(["--max-memory", "1M"]);
        }
        json(&logreg_in(&cache, &args))
    };
    let lecture = fixtures().join("glm/lecture.csv");
    std::fs::copy(&lecture, &data).unwrap();
    let first = fit(true);
    assert_same_fit(&fit(false), &first, "the first file");
    assert_eq!(cached(&cache).len(), 1);
    // Rewrite it with other values (the first 500 rows only).
    let text = std::fs::read_to_string(&lecture).unwrap();
    let half: Vec<&str> = text.lines().take(501).collect();
    std::fs::write(&data, half.join("\n") + "\n").unwrap();
    let second = fit(true);
    assert_same_fit(&fit(false), &second, "the rewritten file");
    assert_ne!(first["params"], second["params"]);
    assert_eq!(cached(&cache).len(), 2, "a cache per version of the file");
}

#[test]
fn no_cache_keeps_no_file() {
    let cache = temp_dir("stream-no-cache");
    let data = fixtures().join("glm/spector.csv");
    let d = data.to_str().unwrap();
    let args = [
        "glm",
        "--data",
        d,
        "--target",
        "GRADE",
        "--max-memory",
        "1M",
    ];
    logreg_in(&cache, &[&args[..], &["--no-cache"]].concat()).ok();
    assert_eq!(cached(&cache), Vec::<PathBuf>::new());
    logreg_in(&cache, &args).ok();
    assert_eq!(cached(&cache).len(), 1, "kept without --no-cache");
    // --no-cache also removes the one kept before.
    logreg_in(&cache, &[&args[..], &["--no-cache"]].concat()).ok();
    assert_eq!(cached(&cache), Vec::<PathBuf>::new());
}

#[test]
fn max_memory_refuses_non_sizes_and_sizes_below_one_row_in_one_line() {
    let cache = temp_dir("stream-bad-size");
    let data = fixtures().join("glm/lecture.csv");
    let d = data.to_str().unwrap();
    for size in ["1", "12Q", "-5", "1.5G", ""] {
        let run = logreg_in(&cache, &["glm", "--data", d, "--max-memory", size]);
        assert_eq!(run.code(), Some(2), "{}", run.describe());
        let err = run.stderr();
        assert_eq!(err.lines().count(), 1, "{}", run.describe());
        assert!(err.contains("--max-memory"), "{}", run.describe());
        assert!(err.contains(&format!("'{size}'")) || size == "1", "{err}");
    }
    // A size that overflows 64 bits is a size, too large.
    let run = logreg_in(&cache, &["glm", "--data", d, "--max-memory", "16777216T"]);
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.describe());
    assert!(
        run.stderr().contains("'16777216T' is too large"),
        "{}",
        run.describe()
    );
    assert_eq!(
        cached(&cache),
        Vec::<PathBuf>::new(),
        "no cache for a refused fit"
    );
}

#[test]
fn max_memory_refuses_stdin_which_cannot_be_read_twice() {
    let cache = temp_dir("stream-stdin");
    // Refused before stdin is read: the test's own stdin is never consumed.
    let run = logreg_in(&cache, &["glm", "--data", "-", "--max-memory", "1M"]);
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.describe());
    assert!(
        run.stderr().contains("--max-memory needs --data FILE"),
        "{}",
        run.describe()
    );
}

#[test]
fn a_streamed_fit_refuses_weights_offsets_and_robust_covariance_in_one_line() {
    let cache = temp_dir("stream-roles");
    let data = fixtures().join("glm/lecture.csv");
    let d = data.to_str().unwrap();
    for (flag, value) in [
        ("--offset", "x1"),
        ("--var-weights", "x2"),
        ("--cov-type", "HC0"),
    ] {
        let run = logreg_in(
            &cache,
            &["glm", "--data", d, "--max-memory", "1M", flag, value],
        );
        assert_eq!(run.code(), Some(2), "{}", run.describe());
        let err = run.stderr();
        assert_eq!(err.lines().count(), 1, "{}", run.describe());
        assert!(err.contains("--max-memory") && err.contains(flag), "{err}");
    }
}

#[test]
fn blocks_of_whole_chunks_give_the_in_memory_bits() {
    // Rows are factored in chunks of 32,768 (runtime::chunk::CHUNK) merged in
    // order; a block of a whole number of chunks cuts the rows where the
    // in-memory fit does, so every number is the same, bit for bit.
    let cache = temp_dir("stream-whole-chunks");
    let data = cache.join("d.csv");
    let d = data.to_str().unwrap();
    logreg_in(
        &cache,
        &["simulate", "--n", "70000", "--seed", "9", "--out", d],
    )
    .ok();
    let memory = json(&logreg_in(&cache, &["glm", "--data", d, "--json"]));
    let k = memory["names"].as_array().unwrap().len();
    let limit = (32_768 * bytes_per_row(k)).to_string();
    let args = ["glm", "--data", d, "--json", "--max-memory", &limit];
    let streamed = json(&logreg_in(&cache, &args));
    for (key, value) in memory.as_object().unwrap() {
        if key != "time_s" {
            assert_eq!(value, &streamed[key], "{key}");
        }
    }
}

/// A file refused in memory is refused the same way by the run that
/// streams it into the cache (same one line, same exit status), and no
/// cache is left behind.
#[test]
fn a_bad_file_is_refused_streamed_as_in_memory() {
    let cache = temp_dir("stream-bad-file");
    let dir = temp_dir("stream-bad-file-data");
    let aliased: String = (0..50)
        .map(|i| format!("{i},{},{}\n", 3 * i + 2, i % 2))
        .collect();
    let cases = [
        (
            "target",
            "x1,x2,y\n1,2,0\n2,3,1\n3,1,0.5\n4,4,1\n".to_string(),
        ),
        (
            "constant",
            "x1,x2,y\n1,7,0\n2,7,1\n3,7,0\n4,7,1\n".to_string(),
        ),
        ("aliased", format!("x1,x2,y\n{aliased}")),
        ("intercept", "const,x2,y\n1,7,0\n2,8,1\n3,7,0\n".to_string()),
        ("nan", "x1,x2,y\n1,2,0\n2,NaN,1\n3,1,0\n".to_string()),
    ];
    for (name, text) in cases {
        let data = dir.join(format!("{name}.csv"));
        std::fs::write(&data, text).unwrap();
        let d = data.to_str().unwrap();
        let memory = logreg_in(&cache, &["glm", "--data", d]);
        let streamed = logreg_in(&cache, &["glm", "--data", d, "--max-memory", "200"]);
        assert_eq!(memory.code(), Some(2), "{}", memory.describe());
        assert_eq!(memory.stderr().lines().count(), 1, "{}", memory.describe());
        assert_eq!(streamed.code(), memory.code(), "{}", streamed.describe());
        assert_eq!(streamed.stderr(), memory.stderr(), "{name}");
    }
    assert_eq!(cached(&cache), Vec::<PathBuf>::new(), "no cache left");
}

/// Fit `data` streamed (`--max-memory 1M`) and in memory with the cache
/// folder in `cache`: both runs, streamed first.
fn streamed_and_memory(cache: &Path, data: &Path) -> (Run, Value) {
    let d = data.to_str().unwrap();
    let streamed = logreg_in(cache, &["glm", "--data", d, "--json", "--max-memory", "1M"]);
    let memory = json(&logreg_in(cache, &["glm", "--data", d, "--json"]));
    (streamed, memory)
}

/// A file edited in place without changing its size, its modification
/// time then restored (`touch -r`, `cp -p`, `rsync -t`, `tar x` do so):
/// the cache built from its old bytes must not answer for the new ones.
#[test]
fn a_same_size_edit_with_the_old_mtime_is_not_answered_by_the_old_cache() {
    let cache = temp_dir("stream-same-size");
    let dir = temp_dir("stream-same-size-data");
    let data = dir.join("a.csv");
    std::fs::copy(fixtures().join("glm/lecture.csv"), &data).unwrap();
    let first = json(&streamed_and_memory(&cache, &data).0);
    let mtime = std::fs::metadata(&data).unwrap().modified().unwrap();
    // Swap the 0/1 label of every third of the first 60 rows.
    let text = std::fs::read_to_string(&data).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for line in lines.iter_mut().skip(1).step_by(3).take(20) {
        let flipped = if line.ends_with('1') { '0' } else { '1' };
        line.pop();
        line.push(flipped);
    }
    let edited = lines.join("\n") + "\n";
    assert_eq!(edited.len(), text.len(), "the same size");
    std::fs::write(&data, edited).unwrap();
    let f = std::fs::File::options().write(true).open(&data).unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    let (run, memory) = streamed_and_memory(&cache, &data);
    let streamed = json(&run);
    assert_ne!(
        first["params"], memory["params"],
        "the edit changes the fit"
    );
    assert_same_fit(&memory, &streamed, "the edited file");
    assert!(run.stderr().contains("rebuilding"), "{}", run.describe());
    assert_eq!(cached(&cache).len(), 1, "the cache is replaced");
}

/// A damaged cache (a body value, the header's row count or a scale
/// changed) is noticed before it is fitted, said on stderr, and rebuilt:
/// the fit is the in-memory one, and the next run finds the cache whole.
#[test]
fn a_damaged_cache_is_rebuilt_never_trusted() {
    let cache = temp_dir("stream-damaged");
    let data = fixtures().join("glm/lecture.csv");
    let (run, memory) = streamed_and_memory(&cache, &data);
    assert_same_fit(&memory, &json(&run), "the first build");
    let file = cached(&cache).pop().unwrap();
    let whole = std::fs::read(&file).unwrap();
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 4] = [
        ("a target of 0.5", |b| {
            let end = b.len();
            b[end - 8..].copy_from_slice(&0.5f64.to_le_bytes());
        }),
        ("a NaN", |b| {
            let end = b.len();
            b[end - 16..end - 8].copy_from_slice(&f64::NAN.to_le_bytes());
        }),
        ("a row count off by 2^59", |b| b[15] ^= 0x08),
        ("a column scale halved", |b| {
            // The first scale, after the header's 96 fixed bytes: still a
            // power of two, but not the design's.
            let v = f64::from_le_bytes(b[96..104].try_into().unwrap());
            b[96..104].copy_from_slice(&(0.5 * v).to_le_bytes());
        }),
    ];
    for (what, damage) in damages {
        let mut bytes = whole.clone();
        damage(&mut bytes);
        std::fs::write(&file, &bytes).unwrap();
        let (run, _) = streamed_and_memory(&cache, &data);
        assert_same_fit(&memory, &json(&run), what);
        let err = run.stderr();
        assert!(
            err.lines().count() == 1
                && err.starts_with("note: design cache")
                && err.contains("rebuilding"),
            "{what}: {}",
            run.describe()
        );
        assert_eq!(std::fs::read(&file).unwrap(), whole, "{what}: rebuilt");
        let (again, _) = streamed_and_memory(&cache, &data);
        assert_eq!(again.stderr(), "", "{what}: whole again");
    }
}

/// The temporary file of a cache build whose process is gone (killed by a
/// signal it cannot catch) is removed by the next streamed run once it is
/// idle; one of a live process, or written recently, is kept.
#[test]
fn a_dead_builds_temporary_file_is_swept_from_the_cache_folder() {
    let cache = temp_dir("stream-sweep");
    let folder = cache.join("logreg/designs");
    std::fs::create_dir_all(&folder).unwrap();
    let mut child = Command::new("true").spawn().unwrap();
    let gone = child.id();
    child.wait().unwrap();
    let live = std::process::id();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let files = [
        (format!(".logreg-{gone}-0.tmp"), Some(hour_ago)),
        (format!(".logreg-{gone}-1.tmp"), None),
        (format!(".logreg-{live}-0.tmp"), Some(hour_ago)),
    ];
    for (name, mtime) in &files {
        let f = std::fs::File::create(folder.join(name)).unwrap();
        f.set_len(1 << 20).unwrap();
        if let Some(t) = mtime {
            f.set_modified(*t).unwrap();
        }
    }
    let data = fixtures().join("glm/spector.csv");
    let d = data.to_str().unwrap();
    let args = [
        "glm",
        "--data",
        d,
        "--target",
        "GRADE",
        "--max-memory",
        "1M",
    ];
    let run = logreg_in(&cache, &args);
    run.ok();
    assert!(!folder.join(&files[0].0).exists(), "{}", run.describe());
    assert!(folder.join(&files[1].0).exists(), "recent: kept");
    assert!(folder.join(&files[2].0).exists(), "live: kept");
    assert!(run.stderr().contains(&files[0].0), "{}", run.describe());
}

/// What a streamed fit cannot use is refused in one line (exit 2) before
/// any work: a --data that is not a regular file (a pipe as /dev/stdin, a
/// FIFO, which is never opened), a cache folder that cannot be created or
/// named.
#[test]
fn max_memory_refuses_pipes_and_unusable_cache_folders_in_one_line() {
    let cache = temp_dir("stream-location");
    let data = fixtures().join("glm/lecture.csv");
    let d = data.to_str().unwrap();
    let refused = |run: &Run, says: &str| {
        assert_eq!(run.code(), Some(2), "{}", run.describe());
        assert_eq!(run.stderr().lines().count(), 1, "{}", run.describe());
        assert!(run.stderr().starts_with("error: "), "{}", run.describe());
        assert!(run.stderr().contains(says), "{}", run.describe());
    };
    // stdin a pipe, named /dev/stdin.
    let mut child = Command::new(bin())
        .args(["glm", "--data", "/dev/stdin", "--max-memory", "1M"])
        .env("XDG_CACHE_HOME", &cache)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(&std::fs::read(&data).unwrap());
    }
    let run = Run {
        cmd: "logreg glm --data /dev/stdin --max-memory 1M < pipe".into(),
        out: child.wait_with_output().unwrap(),
    };
    refused(&run, "not a regular file");
    let fifo = cache.join("fifo.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let f = fifo.to_str().unwrap();
    let run = logreg_in(&cache, &["glm", "--data", f, "--max-memory", "1M"]);
    refused(&run, "not a regular file");
    // A cache folder under a regular file cannot be created (even by root).
    let run = logreg_in(&data, &["glm", "--data", d, "--max-memory", "1M"]);
    refused(&run, "XDG_CACHE_HOME");
    let out = Command::new(bin())
        .args(["glm", "--data", d, "--max-memory", "1M"])
        .env_remove("XDG_CACHE_HOME")
        .env_remove("HOME")
        .output()
        .unwrap();
    let run = Run {
        cmd: "logreg glm --data lecture.csv --max-memory 1M (no HOME)".into(),
        out,
    };
    refused(&run, "HOME");
    assert_eq!(cached(&cache), Vec::<PathBuf>::new());
}

/// Replace the one cache file under `cache` by what `make` puts at its
/// path, and return that path.
fn swap_cache(cache: &Path, make: impl FnOnce(&Path)) -> PathBuf {
    let files = cached(cache);
    assert_eq!(files.len(), 1, "{files:?}");
    std::fs::remove_file(&files[0]).unwrap();
    make(&files[0]);
    files[0].clone()
}

/// A symbolic link at the cache's path is replaced by the cache, never
/// followed: the file it names (any file, the data itself) is left as it
/// was, with or without --no-cache, and a dangling link is replaced too.
#[test]
fn a_symlink_at_the_cache_path_is_replaced_never_followed() {
    let cache = temp_dir("stream-symlink");
    let data = cache.join("d.csv");
    std::fs::copy(fixtures().join("glm/spector.csv"), &data).unwrap();
    let d = data.to_str().unwrap();
    let args = ["glm", "--data", d, "--target", "GRADE", "--json"];
    let memory = json(&logreg_in(&cache, &args));
    let streamed = [&args[..], &["--max-memory", "1M"]].concat();
    logreg_in(&cache, &streamed).ok();
    let precious = cache.join("precious.txt");
    std::fs::write(&precious, "keep me\n").unwrap();
    let csv = std::fs::read(&data).unwrap();
    let link = |to: PathBuf| move |at: &Path| std::os::unix::fs::symlink(&to, at).unwrap();
    let cases = [
        (precious.clone(), vec![]),
        (data.clone(), vec![]),
        (data.clone(), vec!["--no-cache"]),
        (cache.join("nothing-here"), vec![]),
    ];
    for (to, extra) in cases {
        let what = format!("a link to {} {extra:?}", to.display());
        let at = swap_cache(&cache, link(to));
        let run = logreg_in(&cache, &[&streamed[..], &extra[..]].concat());
        assert_same_fit(&memory, &json(&run), &what);
        assert!(
            run.stderr().contains("a symbolic link"),
            "{}",
            run.describe()
        );
        assert_eq!(
            std::fs::read_to_string(&precious).unwrap(),
            "keep me\n",
            "{what}"
        );
        assert_eq!(std::fs::read(&data).unwrap(), csv, "{what}");
        assert!(!cache.join("nothing-here").exists(), "{what}");
        if extra.is_empty() {
            let meta = std::fs::symlink_metadata(&at).unwrap();
            assert!(meta.is_file(), "{what}: the link replaced by the cache");
        } else {
            assert!(std::fs::symlink_metadata(&at).is_err(), "{what}: not kept");
            logreg_in(&cache, &streamed).ok();
        }
    }
}

/// A FIFO at the cache's path is replaced (never opened: it would wait for
/// a writer forever); a folder there cannot be replaced safely, so the fit
/// runs on a cache that is not kept. Both exit 0 with a note.
#[test]
fn a_fifo_or_folder_at_the_cache_path_does_not_stop_the_fit() {
    let cache = temp_dir("stream-special");
    let data = fixtures().join("glm/spector.csv");
    let d = data.to_str().unwrap();
    let args = ["glm", "--data", d, "--target", "GRADE", "--json"];
    let memory = json(&logreg_in(&cache, &args));
    let streamed = [&args[..], &["--max-memory", "1M"]].concat();
    logreg_in(&cache, &streamed).ok();
    let at = swap_cache(&cache, |at| {
        assert!(Command::new("mkfifo").arg(at).status().unwrap().success());
    });
    let mut child = Command::new(bin())
        .args(&streamed)
        .env("XDG_CACHE_HOME", &cache)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("a FIFO at the cache path: still running after 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let run = Run {
        cmd: "logreg glm --max-memory 1M (a FIFO at the cache path)".into(),
        out: child.wait_with_output().unwrap(),
    };
    assert_same_fit(&memory, &json(&run), "a FIFO at the cache path");
    assert!(run.stderr().contains("a FIFO"), "{}", run.describe());
    assert!(std::fs::symlink_metadata(&at).unwrap().is_file());
    let at = swap_cache(&cache, |at| std::fs::create_dir(at).unwrap());
    let run = logreg_in(&cache, &streamed);
    assert_same_fit(&memory, &json(&run), "a folder at the cache path");
    assert!(
        run.stderr()
            .contains("is a directory: fitting without keeping a cache"),
        "{}",
        run.describe()
    );
    assert!(std::fs::symlink_metadata(&at).unwrap().is_dir());
    assert_eq!(cached(&cache), vec![at], "no temporary file left");
}

/// The cache is a copy of the data: new cache folders are 0700 and cache
/// files 0600, whatever the data file's mode.
#[test]
fn the_cache_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let cache = temp_dir("stream-private").join("xdg");
    let data = fixtures().join("glm/spector.csv");
    let d = data.to_str().unwrap();
    let args = [
        "glm",
        "--data",
        d,
        "--target",
        "GRADE",
        "--max-memory",
        "1M",
    ];
    logreg_in(&cache, &args).ok();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for folder in ["", "logreg", "logreg/designs"] {
        assert_eq!(mode(&cache.join(folder)), 0o700, "{folder}");
    }
    let files = cached(&cache);
    assert_eq!(files.len(), 1);
    assert_eq!(mode(&files[0]), 0o600);
}

/// A relative XDG_CACHE_HOME is ignored (HOME is used), and a relative
/// HOME counts as none (one line, exit 2): the cache never lands under
/// the current folder.
#[test]
fn relative_cache_homes_are_ignored() {
    let dir = temp_dir("stream-relative");
    let home = dir.join("home");
    let data = fixtures().join("glm/spector.csv");
    let d = data.to_str().unwrap();
    let args = [
        "glm",
        "--data",
        d,
        "--target",
        "GRADE",
        "--max-memory",
        "1M",
    ];
    let run_with = |xdg: &str, home: &Path| {
        let out = Command::new(bin())
            .args(args)
            .current_dir(&dir)
            .env("XDG_CACHE_HOME", xdg)
            .env("HOME", home)
            .output()
            .unwrap();
        Run {
            cmd: format!("XDG_CACHE_HOME={xdg} HOME={} logreg", home.display()),
            out,
        }
    };
    run_with("rel", &home).ok();
    assert!(!dir.join("rel").exists(), "a relative XDG_CACHE_HOME used");
    assert_eq!(cached(&home.join(".cache")).len(), 1);
    let run = run_with("rel", Path::new("relhome"));
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.describe());
    assert!(run.stderr().contains("HOME"), "{}", run.describe());
    assert!(!dir.join("rel").exists() && !dir.join("relhome").exists());
}

/// A fit from a kept cache says how many rows were dropped for a missing
/// value, as the run that built it and the in-memory fit do.
#[test]
fn a_reused_cache_says_how_many_rows_were_dropped() {
    let cache = temp_dir("stream-dropped");
    let data = cache.join("d.csv");
    let text = std::fs::read_to_string(fixtures().join("glm/spector.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for i in [3, 9] {
        let cells: Vec<&str> = lines[i].split(',').collect();
        lines[i] = std::iter::once("NA")
            .chain(cells[1..].iter().copied())
            .collect::<Vec<_>>()
            .join(",");
    }
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    let d = data.to_str().unwrap();
    let args = ["glm", "--data", d, "--target", "GRADE", "--missing", "drop"];
    let note = format!("note: {d}: dropped 2 row(s) with missing values");
    let memory = logreg_in(&cache, &args);
    memory.ok();
    assert!(memory.stderr().contains(&note), "{}", memory.describe());
    let streamed = [&args[..], &["--max-memory", "1M"]].concat();
    for what in ["the run that builds the cache", "a run that reuses it"] {
        let run = logreg_in(&cache, &streamed);
        assert_eq!(run.ok(), memory.ok(), "{what}");
        assert!(run.stderr().contains(&note), "{what}: {}", run.describe());
        assert_eq!(cached(&cache).len(), 1, "{what}");
    }
}
