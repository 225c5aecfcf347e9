#!/usr/bin/env python3
"""Check scripts/dask_repeat.py's plumbing with a stand-in for logreg, on a
2-worker LocalCluster: every pair comes back once, in its shard; each shard
gets --quiet and --threads 1 (unless given) and never --plots, which goes to
the final summarize; a failed task is retried; a shard that still fails is
named with its exit status and last stderr line, the rest is merged and the
exit status is not 0; a shard whose runs all failed (exit status 1 with all
its lines) is merged, not retried; SIGTERM, SIGHUP and SIGINT stop the shards'
processes and remove the temporary folders, on the script's LocalCluster and
(SIGTERM) on a running scheduler; a shard's file in --out-dir is written
whole through a new file, never through a symlink or a file left there, and
replaces a symlink at its name (an earlier study's other shard files stay,
with a warning); a folder at a shard's file name is refused before any shard
runs; bad arguments get one line and exit status 2; $LOGREG names the binary unless --logreg does;
--progress lines writes lines of shards and runs done, rate and ETA, and
one at the end. (scripts/test.sh
checks the real logreg: the merged summary equals the single-process one.)

The stand-in, written to a temporary folder, answers
`repeat --shard k/K --runs-out F ... --runs R` with one line {"pair": p,
"seed": 42 + p, "cell": {}, "study": {"runs": R, "grid": {"n": [1]}},
"argv": [...]} per p in range(R) with p mod K = k, and refuses a flag given
twice as logreg does (status 2). `summarize FILE... [--json] [--plots DIR]`
answers {"pairs": [...sorted...], "json": bool, "plots": DIR or null,
"failed": count, "argvs": [...]}, and exits with FAKE_SUMMARIZE_STATUS
(default 0). FAKE_FAIL_SHARD=k makes shard k exit with status 3:
FAKE_FAIL_TIMES times (counted in FAKE_STATE), or always if unset.
FAKE_ALL_FAILED_SHARD=k makes every run of shard k a failed line and the
shard exit with status 1, as logreg does when every run failed;
FAKE_TORN_SHARD=k does the same but writes only the shard's first line.
FAKE_BAD_INPUT makes every shard exit with status 2 (bad input), noting each
attempt in FAKE_STATE. FAKE_SLEEP makes each shard write its process id and
the folder of its --runs-out to FAKE_STATE/pid-k and sleep that many seconds.

    python scripts/test_dask_repeat.py
"""
import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "dask_repeat.py")

FAKE = textwrap.dedent(
    """\
    import json, os, sys, time
    argv = sys.argv[1:]
    def opt(name):
        return argv[argv.index(name) + 1]
    def state(name):
        return os.path.join(os.environ["FAKE_STATE"], name)
    def count(name):
        n = int(open(state(name)).read()) if os.path.exists(state(name)) else 0
        open(state(name), "w").write(str(n + 1))
        return n
    def shard_is(var, k):
        return os.environ.get(var) is not None and int(os.environ[var]) == k
    flags = [a.split("=", 1)[0] for a in argv if a.startswith("--")]
    for a in set(flags):
        if flags.count(a) > 1:
            print(f"error: the argument '{a}' cannot be used multiple times", file=sys.stderr)
            sys.exit(2)
    if argv[0] == "repeat":
        k, shards = map(int, opt("--shard").split("/"))
        if "FAKE_BAD_INPUT" in os.environ:
            open(state(f"bad-{k}"), "a").write("x")
            print("error: invalid value 'x' for '--n <N>'", file=sys.stderr)
            sys.exit(2)
        if "FAKE_SLEEP" in os.environ:
            open(state(f"pid-{k}.part"), "w").write(f"{os.getpid()} {os.path.dirname(opt('--runs-out'))}")
            os.replace(state(f"pid-{k}.part"), state(f"pid-{k}"))
            time.sleep(float(os.environ["FAKE_SLEEP"]))
        if shard_is("FAKE_FAIL_SHARD", k):
            n = count(f"attempts-{k}")
            times = os.environ.get("FAKE_FAIL_TIMES")
            if times is None or n < int(times):
                print("a first line", file=sys.stderr)
                print(f"logreg: error: injected failure on shard {k}", file=sys.stderr)
                sys.exit(3)
        failed = shard_is("FAKE_ALL_FAILED_SHARD", k) or shard_is("FAKE_TORN_SHARD", k)
        if failed:
            count(f"attempts-{k}")
        runs = int(opt("--runs"))
        with open(opt("--runs-out"), "w") as f:
            for p in range(runs):
                if p % shards == k:
                    line = {"pair": p, "seed": 42 + p, "cell": {}, "study": {"runs": runs, "grid": {"n": [1]}},
                            "argv": argv}
                    if failed:
                        line["failed"] = "network: diverged"
                    f.write(json.dumps(line) + "\\n")
                    if shard_is("FAKE_TORN_SHARD", k):
                        break
        print(json.dumps({"shard summary": k}))
        if failed:
            print('error: every run failed (see "failed" in the run lines)', file=sys.stderr)
            sys.exit(1)
    elif argv[0] == "summarize":
        plots = opt("--plots") if "--plots" in argv else None
        files = [a for a in argv[1:] if not a.startswith("--") and a != plots]
        lines = [json.loads(l) for path in files for l in open(path)]
        print(json.dumps({"pairs": sorted(l["pair"] for l in lines), "json": "--json" in argv, "plots": plots,
                          "failed": sum("failed" in l for l in lines), "argvs": [l["argv"] for l in lines]}))
        sys.exit(int(os.environ.get("FAKE_SUMMARIZE_STATUS", "0")))
    else:
        sys.exit(f"stand-in: unexpected {argv}")
    """
)

# A line of --progress lines: shards done of all, runs done (of the study's,
# once a shard is back), runs a second, then the ETA or the time taken.
PROGRESS_LINE = re.compile(
    r"dask_repeat: progress: \d+/\d+ shards \(\d+%\), \d+(/\d+)? runs, [0-9.]+ runs/s, "
    r"(ETA (unknown|\d+s|\d+m\d\ds|\d+h\d\dm)|done in (\d+s|\d+m\d\ds|\d+h\d\dm))"
)

# Seconds a stopped study may take to shut its cluster down and exit.
STOP_TIMEOUT_S = 60

failures = []


def check(what, ok, run=None):
    print(f"{'ok  ' if ok else 'FAIL'} {what}", file=sys.stderr)
    if not ok:
        failures.append(what)
        if run is not None:
            print(f"  status {run.returncode}\n  stdout: {run.stdout!r}\n  stderr: {run.stderr!r}", file=sys.stderr)


def dask_repeat(fake, args, **env):
    logreg = [] if fake is None else ["--logreg", fake]
    cmd = [sys.executable, SCRIPT, *logreg, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, timeout=300)


def summary_of(run):
    try:
        return json.loads(run.stdout)
    except ValueError:
        return {}


def pairs_of(run):
    return summary_of(run).get("pairs")


def alive(pid):
    """Whether process pid runs (a zombie, dead but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def stopped_by(fake, tmp, signum, state, scheduler=None):
    """Start a study whose shards sleep, on a LocalCluster of its own or on
    the running `scheduler` (whose workers have FAKE_SLEEP and FAKE_STATE
    = state), send signum to the script once every shard runs, and check
    that it exits with 128 + signum, leaving no shard process, no shard
    folder, and nothing in its temporary folder."""
    name = signal.Signals(signum).name
    if scheduler is not None:
        name += " on a running scheduler"
    where = ["--local", "2"] if scheduler is None else ["--scheduler", scheduler]
    scratch = os.path.join(tmp, f"tmp-{name}")
    os.mkdir(scratch)
    env = {**os.environ, "FAKE_SLEEP": "120", "FAKE_STATE": state, "TMPDIR": scratch}
    cmd = [sys.executable, SCRIPT, "--logreg", fake, *where, "--shards", "2", "--", "--runs", "4"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    pids, folders = [], []
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        if all(os.path.exists(os.path.join(state, f"pid-{k}")) for k in range(2)):
            for k in range(2):
                pid, folder = open(os.path.join(state, f"pid-{k}")).read().split(" ", 1)
                pids.append(int(pid))
                folders.append(folder)
            break
        time.sleep(0.2)
    proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    run = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    time.sleep(1)  # a killed process may take a moment to go
    check(f"{name}: both shards were running", len(pids) == 2, run)
    check(f"{name}: the script exits with status {128 + signum}", run.returncode == 128 + signum, run)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    check(f"{name}: no shard process is left running ({left})", not left, run)
    kept = [f for f in folders if os.path.exists(f)] + os.listdir(scratch)
    check(f"{name}: the temporary folders are removed ({kept})", not kept, run)


def main():
    with tempfile.TemporaryDirectory(prefix="test-dask-repeat-") as tmp:
        fake = os.path.join(tmp, "logreg")
        with open(fake, "w") as f:
            f.write(f"#!{sys.executable}\n" + FAKE)
        os.chmod(fake, 0o755)
        study = ["--", "--runs", "7", "--n", "100,200", "--json"]

        out_dir = os.path.join(tmp, "kept")
        # A folder at the name a shard's file was once written through.
        os.makedirs(os.path.join(out_dir, "shard-1-of-3.jsonl.part"))
        r = dask_repeat(fake, ["--local", "2", "--shards", "3", "--out-dir", out_dir, *study])
        summary = summary_of(r)
        check("every pair comes back once", r.returncode == 0 and summary.get("pairs") == list(range(7)), r)
        check("--json after -- reaches summarize", summary.get("json") is True, r)
        argvs = summary.get("argvs", [])
        check(
            "each shard runs with --quiet and --threads 1 and the settings",
            bool(argvs) and all(a[-2:] == ["--threads", "1"] and "--quiet" in a and "100,200" in a for a in argvs),
            r,
        )
        kept = sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []
        shards = [f"shard-{k}-of-3.jsonl" for k in range(3)]
        check("--out-dir keeps one file per shard", kept == sorted(shards + ["shard-1-of-3.jsonl.part"]), r)
        umask = os.umask(0o022)
        os.umask(umask)
        modes = {stat.S_IMODE(os.stat(os.path.join(out_dir, f)).st_mode) for f in shards if f in kept}
        check("the shard files get the mode that the umask gives", modes == {0o666 & ~umask}, r)

        # A reused --out-dir with symlinks at a shard's file and at the names
        # the shards' files were once written through, and a shard file of an
        # earlier study.
        reused = os.path.join(tmp, "reused")
        os.mkdir(reused)
        victims = [os.path.join(tmp, f"victim-{i}") for i in range(3)]
        for v in victims:
            open(v, "w").write("keep me\n")
        os.symlink(victims[0], os.path.join(reused, "shard-0-of-2.jsonl"))
        for k in range(2):
            os.symlink(victims[1 + k], os.path.join(reused, f"shard-{k}-of-2.jsonl.part"))
        open(os.path.join(reused, "shard-2-of-3.jsonl"), "w").write("earlier\n")
        r = dask_repeat(fake, ["--local", "2", "--shards", "2", "--out-dir", reused, *study])
        check("a reused --out-dir: every pair comes back once", r.returncode == 0 and pairs_of(r) == list(range(7)), r)
        check(
            "a shard file never follows a symlink",
            all(open(v).read() == "keep me\n" for v in victims),
            r,
        )
        shard0 = os.path.join(reused, "shard-0-of-2.jsonl")
        check(
            "a symlink at a shard's file name is replaced by the file",
            not os.path.islink(shard0) and [json.loads(l)["pair"] for l in open(shard0)] == [0, 2, 4, 6],
            r,
        )
        check(
            "a reused --out-dir: the warning names the earlier study's shard files",
            "warning: --out-dir" in r.stderr and "2 shard file(s) of an earlier study" in r.stderr,
            r,
        )
        left = sorted(os.listdir(reused))
        check(
            "a reused --out-dir: no temporary file is left, an earlier study's file stays",
            left
            == sorted(
                ["shard-0-of-2.jsonl", "shard-1-of-2.jsonl", "shard-0-of-2.jsonl.part", "shard-1-of-2.jsonl.part"]
                + ["shard-2-of-3.jsonl"]
            ),
            r,
        )

        blocked = os.path.join(tmp, "blocked")
        os.makedirs(os.path.join(blocked, "shard-1-of-2.jsonl"))
        state = os.path.join(tmp, "blocked-state")
        os.mkdir(state)
        r = dask_repeat(
            fake, ["--local", "2", "--shards", "2", "--out-dir", blocked, *study], FAKE_SLEEP="0", FAKE_STATE=state
        )
        check(
            "a folder at a shard's file name is refused with one line, status 2, before any shard runs",
            r.returncode == 2
            and r.stderr.count("\n") == 1
            and "shard-1-of-2.jsonl is a folder" in r.stderr
            and os.listdir(state) == [],
            r,
        )

        r = dask_repeat(fake, ["--local", "2", "--shards", "3", *study], FAKE_SUMMARIZE_STATUS="3")
        passed = r.returncode == 3 and pairs_of(r) == list(range(7))
        check("summarize's stdout and exit status are the script's", passed, r)

        plots = os.path.join(tmp, "plots")
        for given in (["--plots", plots], [f"--plots={plots}"]):
            r = dask_repeat(fake, ["--local", "2", "--shards", "3", *study, *given])
            summary = summary_of(r)
            argvs = summary.get("argvs", [])
            check(
                f"{' '.join(given)} goes to summarize, not to the shards",
                r.returncode == 0
                and summary.get("plots") == plots
                and bool(argvs)
                and not any(a.startswith("--plots") or plots in a for argv in argvs for a in argv),
                r,
            )

        r = dask_repeat(fake, ["--local", "2", "--shards", "3", *study, "--quiet", "--threads=1"])
        argvs = summary_of(r).get("argvs", [])
        check(
            "--quiet and --threads=1 in the settings are given to each shard once",
            r.returncode == 0
            and pairs_of(r) == list(range(7))
            and bool(argvs)
            and all(a.count("--quiet") == 1 and "--threads" not in a for a in argvs),
            r,
        )

        state = os.path.join(tmp, "progress")
        os.mkdir(state)
        r = dask_repeat(
            fake,
            ["--local", "2", "--shards", "3", "--progress", "lines", "--progress-every", "0.1", *study],
            FAKE_SLEEP="1",
            FAKE_STATE=state,
        )
        said = [l for l in r.stderr.splitlines() if l.startswith("dask_repeat: progress: ")]
        check(
            "--progress lines: every line says shards, runs, rate and ETA, the last the time taken",
            r.returncode == 0
            and pairs_of(r) == list(range(7))
            and len(said) >= 3
            and all(PROGRESS_LINE.fullmatch(l) for l in said)
            and all("done in" not in l for l in said[:-1])
            and re.fullmatch(r"dask_repeat: progress: 3/3 shards \(100%\), 7/7 runs, .* done in \d+s", said[-1]),
            r,
        )
        r = dask_repeat(fake, ["--local", "2", "--shards", "3", *study, "--progress", "lines"])
        argvs = summary_of(r).get("argvs", [])
        check(
            "--progress in the settings goes to each shard, without --quiet",
            r.returncode == 0 and bool(argvs) and all("--progress" in a and "--quiet" not in a for a in argvs),
            r,
        )

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
        argvs = summary_of(r).get("argvs", []) if r.returncode == 0 else []
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

        state = os.path.join(tmp, "all-failed")
        os.mkdir(state)
        r = dask_repeat(fake, ["--local", "2", "--shards", "3", *study], FAKE_ALL_FAILED_SHARD="1", FAKE_STATE=state)
        summary = summary_of(r)
        check(
            "a shard whose runs all failed (status 1, all its lines) is merged with its failed lines",
            r.returncode == 0 and summary.get("pairs") == list(range(7)) and summary.get("failed") == 2,
            r,
        )
        attempts = open(os.path.join(state, "attempts-1")).read()
        check("a shard whose runs all failed is not retried", attempts == "1", r)

        state = os.path.join(tmp, "torn")
        os.mkdir(state)
        r = dask_repeat(
            fake, ["--local", "2", "--shards", "3", "--retries", "1", *study], FAKE_TORN_SHARD="1", FAKE_STATE=state
        )
        attempts = open(os.path.join(state, "attempts-1")).read()
        check(
            "a shard with status 1 and not all its lines is retried, named, and left out",
            attempts == "2"
            and r.returncode != 0
            and "shard 1/3 failed after 1 retries: exit status 1" in r.stderr
            and pairs_of(r) == [p for p in range(7) if p % 3 != 1],
            r,
        )

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

        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            state = os.path.join(tmp, f"state-{signum}")
            os.mkdir(state)
            stopped_by(fake, tmp, signum, state)
        # Workers that outlive the script: each stops its cancelled shard.
        import dask
        from distributed import LocalCluster

        state = os.path.join(tmp, "state-scheduler")
        os.mkdir(state)
        env = {"FAKE_SLEEP": "120", "FAKE_STATE": state}
        with dask.config.set({"temporary-directory": tmp}), LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=logging.CRITICAL, env=env
        ) as cluster:
            stopped_by(fake, tmp, signal.SIGTERM, state, cluster.scheduler_address)

        r = dask_repeat(None, ["--local", "2", "--shards", "3", *study], LOGREG=fake)
        check("$LOGREG names the binary", r.returncode == 0 and pairs_of(r) == list(range(7)), r)
        r = dask_repeat(fake, ["--local", "2", "--shards", "3", *study], LOGREG=os.path.join(tmp, "missing"))
        check("--logreg wins over $LOGREG", r.returncode == 0 and pairs_of(r) == list(range(7)), r)

        a_file = os.path.join(tmp, "a-file")
        open(a_file, "w").close()
        under_a_file = os.path.join(a_file, "sub")
        for bad, word in [
            (["--local", "2", "--shards", "3", "--", "--runs", "7", "--shard", "0/2"], "--shard"),
            (["--local", "2", "--shards", "3", "--", "--runs-out=x.jsonl"], "--runs-out"),
            (["--local", "2", "--shards", "3", "--", "--resume"], "--resume"),
            (["--shards", "3", "--", "--runs", "7"], "--scheduler"),
            (["--local", "2", "--scheduler", "tcp://h:8786", "--shards", "3"], "--scheduler"),
            (["--local", "2", "--shards", "0"], "--shards"),
            (["--scheduler", "foo://bar", "--shards", "3", "--", "--runs", "7"], "--scheduler"),
            (["--local", "2", "--shards", "3", "--out-dir", a_file, "--", "--runs", "7"], "--out-dir"),
            (["--local", "2", "--shards", "3", "--out-dir", under_a_file, "--", "--runs", "7"], "--out-dir"),
            (["--local", "2", "--shards", "3", "--", "--runs", "7", "--plots"], "--plots"),
            (["--local", "2", "--shards", "3", "--progress", "bar", "--", "--runs", "7"], "--progress"),
            (["--local", "2", "--shards", "3", "--progress-every", "-1", "--", "--runs", "7"], "--progress-every"),
        ]:
            r = dask_repeat(fake, bad)
            one_line = r.stderr.count("\n") == 1 and word in r.stderr
            check(f"refuses {' '.join(bad)} with one line naming {word}, status 2", r.returncode == 2 and one_line, r)
        r = dask_repeat(None, ["--local", "2", "--shards", "3", *study], LOGREG=os.path.join(tmp, "missing"))
        check(
            "refuses a $LOGREG that is not an executable file with one line naming LOGREG, status 2",
            r.returncode == 2 and r.stderr.count("\n") == 1 and "LOGREG" in r.stderr,
            r,
        )

    if failures:
        print(f"test_dask_repeat: {len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("test_dask_repeat: all checks passed", file=sys.stderr)


if __name__ == "__main__":
    main()
