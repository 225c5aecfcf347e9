#!/usr/bin/env python3
"""Check scripts/dask_repeat.py's plumbing with a stand-in for logreg, on a
2-worker LocalCluster: every pair comes back once, in its shard; each shard
gets --quiet and --threads 1 (unless given); a failed task is retried; a
shard that still fails is named with its exit status and last stderr line,
the rest is merged and the exit status is not 0; bad arguments get one line
and exit status 2. (scripts/test.sh checks the real logreg: the merged
summary equals the single-process one.)

The stand-in, written to a temporary folder, answers
`repeat --shard k/K --runs-out F ... --runs R` with one line {"pair": p,
"argv": [...]} per p in range(R) with p mod K = k, and `summarize FILE...
[--json]` with {"pairs": [...sorted...], "json": bool}. FAKE_FAIL_SHARD=k
makes shard k exit with status 3: FAKE_FAIL_TIMES times (counted in
FAKE_STATE), or always if unset. FAKE_BAD_INPUT makes every shard exit with
status 2 (bad input), noting each attempt in FAKE_STATE.

    python scripts/test_dask_repeat.py
"""
import json
import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "dask_repeat.py")

FAKE = textwrap.dedent(
    """\
    import json, os, sys
    argv = sys.argv[1:]
    def opt(name):
        return argv[argv.index(name) + 1]
    if argv[0] == "repeat":
        k, shards = map(int, opt("--shard").split("/"))
        if "FAKE_BAD_INPUT" in os.environ:
            counter = os.path.join(os.environ["FAKE_STATE"], f"bad-{k}")
            open(counter, "a").write("x")
            print("error: invalid value 'x' for '--n <N>'", file=sys.stderr)
            sys.exit(2)
        fail = os.environ.get("FAKE_FAIL_SHARD")
        if fail is not None and int(fail) == k:
            counter = os.path.join(os.environ["FAKE_STATE"], f"attempts-{k}")
            n = int(open(counter).read()) if os.path.exists(counter) else 0
            open(counter, "w").write(str(n + 1))
            times = os.environ.get("FAKE_FAIL_TIMES")
            if times is None or n < int(times):
                print("a first line", file=sys.stderr)
                print(f"logreg: error: injected failure on shard {k}", file=sys.stderr)
                sys.exit(3)
        with open(opt("--runs-out"), "w") as f:
            for p in range(int(opt("--runs"))):
                if p % shards == k:
                    f.write(json.dumps({"pair": p, "argv": argv}) + "\\n")
        print(json.dumps({"shard summary": k}))
    elif argv[0] == "summarize":
        lines = [json.loads(l) for path in argv[1:] if path != "--json" for l in open(path)]
        print(json.dumps({"pairs": sorted(l["pair"] for l in lines), "json": "--json" in argv,
                          "argvs": [l["argv"] for l in lines]}))
    else:
        sys.exit(f"stand-in: unexpected {argv}")
    """
)

failures = []


def check(what, ok, run=None):
    print(f"{'ok  ' if ok else 'FAIL'} {what}", file=sys.stderr)
    if not ok:
        failures.append(what)
        if run is not None:
            print(f"  status {run.returncode}\n  stdout: {run.stdout!r}\n  stderr: {run.stderr!r}", file=sys.stderr)


def dask_repeat(fake, args, **env):
    cmd = [sys.executable, SCRIPT, "--logreg", fake, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, timeout=300)


def pairs_of(run):
    try:
        return json.loads(run.stdout)["pairs"]
    except (ValueError, KeyError):
        return None


def main():
    with tempfile.TemporaryDirectory(prefix="test-dask-repeat-") as tmp:
        fake = os.path.join(tmp, "logreg")
        with open(fake, "w") as f:
            f.write(f"#!{sys.executable}\n" + FAKE)
        os.chmod(fake, 0o755)
        study = ["--", "--runs", "7", "--n", "100,200", "--json"]

        out_dir = os.path.join(tmp, "kept")
        r = dask_repeat(fake, ["--local", "2", "--shards", "3", "--out-dir", out_dir, *study])
        summary = json.loads(r.stdout) if r.returncode == 0 else {}
        check("every pair comes back once", r.returncode == 0 and summary.get("pairs") == list(range(7)), r)
        check("--json after -- reaches summarize", summary.get("json") is True, r)
        argvs = summary.get("argvs", [])
        check(
            "each shard runs with --quiet and --threads 1 and the settings",
            bool(argvs) and all(a[-2:] == ["--threads", "1"] and "--quiet" in a and "100,200" in a for a in argvs),
            r,
        )
        kept = sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []
        check("--out-dir keeps one file per shard", kept == [f"shard-{k}-of-3.jsonl" for k in range(3)], r)

        state = os.path.join(tmp, "once")
        os.mkdir(state)
        r = dask_repeat(
            fake,
            ["--local", "2", "--shards", "3", "--", "--runs", "7", "--threads", "4"],
            FAKE_FAIL_SHARD="1",
            FAKE_FAIL_TIMES="1",
            FAKE_STATE=state,
        )
        check("a task that fails once is retried", r.returncode == 0 and pairs_of(r) == list(range(7)), r)
        argvs = json.loads(r.stdout).get("argvs", []) if r.returncode == 0 else []
        check("--threads in the settings is kept", bool(argvs) and all(a.count("--threads") == 1 for a in argvs), r)

        state = os.path.join(tmp, "always")
        os.mkdir(state)
        r = dask_repeat(
            fake,
            ["--local", "2", "--shards", "3", "--retries", "1", *study],
            FAKE_FAIL_SHARD="2",
            FAKE_STATE=state,
        )
        attempts = open(os.path.join(state, "attempts-2")).read()
        check("a failing shard runs 1 + --retries times", attempts == "2", r)
        check(
            "a shard that still fails is named with its status and last stderr line",
            r.returncode != 0
            and "shard 2/3 failed after 1 retries: exit status 3: logreg: error: injected failure on shard 2"
            in r.stderr,
            r,
        )
        check("the other shards are merged", pairs_of(r) == [p for p in range(7) if p % 3 != 2], r)

        state = os.path.join(tmp, "bad")
        os.mkdir(state)
        r = dask_repeat(fake, ["--local", "2", "--shards", "3", *study], FAKE_BAD_INPUT="1", FAKE_STATE=state)
        check(
            "settings logreg refuses (status 2) get one line, status 2",
            r.returncode == 2 and r.stderr.count("\n") == 1 and "invalid value 'x' for '--n <N>'" in r.stderr,
            r,
        )
        tries = [open(os.path.join(state, f)).read() for f in os.listdir(state)]
        check("settings logreg refuses are not retried", bool(tries) and all(t == "x" for t in tries), r)

        for bad, word in [
            (["--local", "2", "--shards", "3", "--", "--runs", "7", "--shard", "0/2"], "--shard"),
            (["--local", "2", "--shards", "3", "--", "--runs-out=x.jsonl"], "--runs-out"),
            (["--local", "2", "--shards", "3", "--", "--resume"], "--resume"),
            (["--shards", "3", "--", "--runs", "7"], "--scheduler"),
            (["--local", "2", "--scheduler", "tcp://h:8786", "--shards", "3"], "--scheduler"),
            (["--local", "2", "--shards", "0"], "--shards"),
        ]:
            r = dask_repeat(fake, bad)
            one_line = r.stderr.count("\n") == 1 and word in r.stderr
            check(f"refuses {' '.join(bad)} with one line naming {word}, status 2", r.returncode == 2 and one_line, r)

    if failures:
        print(f"test_dask_repeat: {len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("test_dask_repeat: all checks passed", file=sys.stderr)


if __name__ == "__main__":
    main()
