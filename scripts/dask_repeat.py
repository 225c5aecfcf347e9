#!/usr/bin/env python3
"""Run a `logreg repeat` study on a Dask cluster, shard by shard, and print
the merged summary.

Task k of K runs, on a Dask worker,

    logreg repeat --shard k/K --runs-out <file> [--quiet] [--threads 1] SETTINGS

and sends back the file's JSON lines. The lines are written here, one file per
shard, and merged by `logreg summarize FILE... [--json] [--plots DIR]`, whose
stdout, stderr and exit status are this script's. Since replication i of
every cell has seed S+i wherever it runs, the merged summary is the
single-process study's (`logreg repeat SETTINGS`) bit for bit, apart from
the timings (keys ending in `_s`).

A failed task is retried (--retries). A shard that still fails is named on
stderr with its exit status and the last line of its stderr; the shards that
came back are merged all the same (summarize names the missing pairs), and
the exit status is not 0. A shard whose runs all failed (logreg's exit
status 1, with a line for each of the shard's runs) has not failed: its
lines are merged and summarize counts them as failed runs.

With --progress lines, a line on stderr about every 10 seconds says how
many shards and runs are done, the runs a second and the ETA, and one more
when every shard is back, for job logs.

SIGINT, SIGTERM and SIGHUP stop the shards' logreg processes, shut a local
cluster down, remove the temporary folders and exit with 128 + the signal's
number (130 for Ctrl-C).

The workers must have `logreg` at the --logreg path (else $LOGREG; and
libtorch beside it, as `scripts/setup.sh` arranges), and the pins of
scripts/requirements.txt.
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

PROG = "dask_repeat"
# Flags the script sets itself for each shard; the study's settings must not.
OWN_FLAGS = ("--shard", "--runs-out", "--resume")
# Flags of the study's settings that go to the final `logreg summarize`
# instead of the shards: `--plots DIR` would have every shard write the same
# files.
SUMMARY_FLAGS = ("--plots",)
# The signals that stop a study: its shards' processes are stopped, a local
# cluster shut down, the temporary folders removed; the exit status is 128 +
# the signal's number.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

EXAMPLES = """\
examples:
  # 2 local worker processes, 3 shards, the text table
  python scripts/dask_repeat.py --local 2 --shards 3 -- --runs 200 --n 500,1000

  # an existing cluster (dask scheduler tcp://host:8786 and its workers)
  python scripts/dask_repeat.py --scheduler tcp://host:8786 --shards 64 \\
      -- --runs 1000 --n 500,1000 --lr 0.05,0.1 --json

  # keep the shards' JSON lines (shard-00-of-64.jsonl, ...)
  python scripts/dask_repeat.py --local 4 --shards 8 --out-dir runs/ -- --runs 400 --json

Everything after `--` goes to `logreg repeat` unchanged, except that each
shard gets `--quiet` (unless the settings give it or --progress) and
`--threads 1` unless the settings give them, and
`--json` and `--plots DIR` go to the final `logreg summarize` (--plots to
it alone). --shard, --runs-out and --resume are the script's own and
refused there. The logreg binary is --logreg, else $LOGREG, else this
checkout's target/release/logreg, else logreg on PATH.
"""


class ArgParser(argparse.ArgumentParser):
    """argparse whose errors are one line on stderr and exit status 2."""

    def error(self, message):
        fail(f"{message} (try --help)")


def fail(message, status=2):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(status)


def default_logreg():
    """The release binary of this checkout, else `logreg` on PATH."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "logreg")
    if os.access(here, os.X_OK):
        return os.path.normpath(here)
    return shutil.which("logreg")


def split_settings(p, settings):
    """The study's settings for the shards, and the flags (with their values)
    for the final summarize only."""
    shard, summary = [], []
    i = 0
    while i < len(settings):
        s = settings[i]
        name = s.split("=", 1)[0]
        if name in OWN_FLAGS:
            p.error(f"the repeat settings after -- must not contain {name}: dask_repeat.py sets it for each shard")
        if name in SUMMARY_FLAGS:
            if "=" in s:
                summary += s.split("=", 1)
            elif i + 1 < len(settings):
                summary += [s, settings[i + 1]]
                i += 1
            else:
                p.error(f"{name} after -- needs a value")
        else:
            shard.append(s)
        i += 1
    return shard, summary


def given(settings, flag):
    return any(s == flag or s.startswith(flag + "=") for s in settings)


def parse(argv):
    if "--" in argv:
        cut = argv.index("--")
        ours, settings = argv[:cut], argv[cut + 1 :]
    else:
        ours, settings = argv, []
    p = ArgParser(
        prog="dask_repeat.py",
        usage="%(prog)s (--scheduler ADDRESS | --local WORKERS) --shards K [options] -- REPEAT-SETTINGS",
        description=__doc__.split("\n\n")[0].replace("\n", " "),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="address of a running Dask scheduler, e.g. tcp://host:8786"
    )
    where.add_argument(
        "--local",
        metavar="WORKERS",
        type=positive,
        help="start a LocalCluster of WORKERS processes with one thread each",
    )
    p.add_argument("--shards", metavar="K", type=positive, required=True, help="number of shards (tasks)")
    p.add_argument(
        "--logreg",
        metavar="PATH",
        help="the logreg binary, at this path on every worker "
        "(default: $LOGREG, else target/release/logreg of this checkout, else logreg on PATH)",
    )
    p.add_argument(
        "--retries", metavar="N", type=nonnegative, default=2, help="retries of a failed shard (default: 2)"
    )
    p.add_argument(
        "--progress",
        choices=("none", "lines"),
        default="none",
        help="lines: one line on stderr about every 10 seconds (shards done, runs done, runs a second, ETA) "
        "and one at the end, for job logs (default: none)",
    )
    # The seconds between two lines of --progress lines (for tests).
    p.add_argument("--progress-every", metavar="SECS", type=seconds, default=10.0, help=argparse.SUPPRESS)
    p.add_argument(
        "--out-dir",
        metavar="DIR",
        help="keep the shard files (shard-K-of-N.jsonl) in DIR, created if missing; "
        "they replace files of the same names there (default: a temporary folder, removed at the end)",
    )
    args = p.parse_args(ours)
    settings, args.summary_flags = split_settings(p, settings)
    args.json = "--json" in settings
    if not given(settings, "--quiet") and not given(settings, "--progress"):
        settings += ["--quiet"]
    if not given(settings, "--threads"):
        settings += ["--threads", "1"]
    args.settings = settings
    if args.out_dir is not None and os.path.exists(args.out_dir) and not os.path.isdir(args.out_dir):
        p.error(f"--out-dir {args.out_dir}: exists and is not a folder")
    if args.logreg is not None:
        source = "--logreg"
    elif os.environ.get("LOGREG"):
        args.logreg, source = os.environ["LOGREG"], "LOGREG"
    else:
        args.logreg = default_logreg()
        if args.logreg is None:
            p.error(
                "no logreg binary: target/release/logreg is not built, logreg is not on PATH; "
                "give --logreg or set LOGREG"
            )
        source = None
    if source is not None and not (os.path.isfile(args.logreg) and os.access(args.logreg, os.X_OK)):
        shown = f"{source} {args.logreg}" if source == "--logreg" else f"LOGREG={args.logreg}"
        p.error(f"{shown}: not an executable file")
    args.logreg = os.path.abspath(args.logreg) if os.sep in args.logreg else args.logreg
    return args


def positive(text):
    v = nonnegative(text)
    if v == 0:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: must be at least 1")
    return v


def seconds(text):
    try:
        v = float(text)
    except ValueError:
        v = -1.0
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: not a number of seconds (0 or more)")
    return v


def nonnegative(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: not a whole number") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: must not be negative")
    return v


# logreg's exit status for bad input (a flag, a value): the same for every
# shard, so not retried; the study stops at the first.
BAD_INPUT = 2
# logreg repeat's exit status when every run failed (each has its line with
# "failed"), as for other errors; told apart by the lines.
ALL_FAILED = 1
# How often (seconds) a running shard checks whether its task was cancelled.
POLL_S = 0.5

# Runs logreg (argv[2:]) with Ctrl-C's default action, since the local
# workers ignore SIGINT (the client shuts them down) and their children would
# inherit that; on Linux it is killed when the worker (process argv[1]) dies.
LAUNCH = """\
import ctypes, os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
if sys.platform.startswith("linux"):
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != int(sys.argv[1]):
        os._exit(128 + signal.SIGKILL)
os.execvp(sys.argv[2], sys.argv[2:])
"""


class ShardFailed(Exception):
    """A shard's `logreg repeat` exited with a non-zero status (not bad input)."""


class BadInput(Exception):
    """A shard's `logreg repeat` refused the settings (exit status 2)."""


class Stopped(Exception):
    """The script got one of STOP_SIGNALS."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def study_pairs(line):
    """The pairs (cells x runs) of the study that the parsed run line
    `line` is of."""
    pairs = line["study"]["runs"]
    for values in line["study"]["grid"].values():
        pairs *= len(values)
    return pairs


def holds_all_pairs(jsonl, k, shards):
    """Whether the run lines hold every pair of shard k/shards: as many
    distinct (cell, seed) as the shard has pairs, of the cells × runs that
    the lines' `study` gives."""
    total, seen = None, set()
    for line in jsonl.splitlines():
        try:
            v = json.loads(line)
            pairs = study_pairs(v)
            seen.add((json.dumps(v["cell"], sort_keys=True), v["seed"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return False
        if total is not None and pairs != total:
            return False
        total = pairs
    return total is not None and len(seen) == len(range(k, total, shards))


def cancelled():
    """Whether the running task was cancelled (the client cancelled it or let
    go of it), as its Dask worker records it; False where that cannot be
    told (a Dask without this record, a call outside a worker)."""
    try:
        from distributed import get_worker

        worker = get_worker()
        task = worker.state.tasks.get(worker.get_current_task())
        return task is not None and task.state == "cancelled"
    except Exception:
        return False


def run_shard(logreg, k, shards, settings, tmp_root):
    """On a worker: run shard k/shards of the study and return its JSON lines
    and its stderr. A non-zero exit status raises ShardFailed, which Dask
    retries, except bad input (status 2), returned as such, and status 1 with
    every pair's line (every run failed), returned with its lines. The logreg
    process is killed when the task is cancelled."""
    with tempfile.TemporaryDirectory(prefix="logreg-shard-", dir=tmp_root) as tmp:
        out = os.path.join(tmp, "runs.jsonl")
        shard = ["repeat", "--shard", f"{k}/{shards}", "--runs-out", out, *settings]
        cmd = [sys.executable, "-c", LAUNCH, str(os.getpid()), logreg, *shard]
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            while True:
                try:
                    _, stderr = proc.communicate(timeout=POLL_S)
                    break
                except subprocess.TimeoutExpired:
                    if cancelled():
                        return {"k": k, "stopped": True}
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        # A shard with no pairs (more shards than pairs) may leave no file.
        jsonl = ""
        if os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                jsonl = f.read()
        if proc.returncode == 0 or (proc.returncode == ALL_FAILED and holds_all_pairs(jsonl, k, shards)):
            return {"k": k, "jsonl": jsonl, "stderr": stderr, "all_failed": proc.returncode == ALL_FAILED}
        lines = stderr.strip().splitlines()
        last = lines[-1] if lines else "(no message)"
        if proc.returncode == BAD_INPUT:
            return {"k": k, "bad_input": last}
        raise ShardFailed(f"exit status {proc.returncode}: {last}")


def shard_name(k, shards):
    width = len(str(shards - 1))
    return f"shard-{k:0{width}d}-of-{shards}.jsonl"


# The process's umask, which can only be read by setting it.
UMASK = os.umask(0o022)
os.umask(UMASK)


def write_whole(out_dir, name, text):
    """Write text to out_dir/name whole or not at all, and return the path.
    The text goes to a new file of a random name that mkstemp creates
    exclusively (O_EXCL: never an existing file, never through a symlink),
    hidden so that a glob of shard files does not see it, and is then
    renamed onto the name, which replaces a file or a symlink there (the
    link itself, not what it points to)."""
    path = os.path.join(out_dir, name)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=out_dir)
    try:
        # mkstemp's file is the owner's alone; a shard file gets the mode
        # that open() would give it.
        os.fchmod(fd, 0o666 & ~UMASK)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


SHARD_FILE = re.compile(r"shard-[0-9]+-of-[0-9]+\.jsonl")


def check_out_dir(out_dir, shards):
    """Before any shard runs: refuse (exit status 2) a folder at one of the
    study's shard file names, which the file could not replace; warn that
    shard files of an earlier study there are overwritten where this study
    writes the same name and left as they are otherwise."""
    for k in range(shards):
        path = os.path.join(out_dir, shard_name(k, shards))
        try:
            is_dir = stat.S_ISDIR(os.lstat(path).st_mode)
        except FileNotFoundError:
            continue
        except OSError as e:
            fail(f"--out-dir {out_dir}: {path}: {e.strerror or e}")
        if is_dir:
            fail(f"--out-dir {out_dir}: {path} is a folder, where shard {k}/{shards} writes its file")
    try:
        earlier = [n for n in os.listdir(out_dir) if SHARD_FILE.fullmatch(n)]
    except OSError:  # a folder that can be written but not listed
        earlier = []
    if earlier:
        print(
            f"{PROG}: warning: --out-dir {out_dir} holds {len(earlier)} shard file(s) of an earlier study: "
            "this study overwrites those of its names and leaves the others as they are (not merged)",
            file=sys.stderr,
        )


def figures(x):
    """A rate to three significant figures, never in exponent form: 118000,
    45.7, 0.0123 (as logreg's --progress lines writes it)."""
    if not (x > 0 and x != float("inf")):
        return "0"
    magnitude = math.floor(math.log10(x))
    if magnitude >= 2:
        unit = 10.0 ** (magnitude - 2)
        return f"{round(x / unit) * unit:.0f}"
    return f"{x:.{2 - magnitude}f}"


def clock(secs):
    """Seconds as a clock reading, rounded to the second: 7s, 2m05s, 3h07m."""
    s = int(math.floor(max(secs, 0.0) + 0.5))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def pairs_of_study(jsonl):
    """The study's pairs (cells x runs) that the first of a shard's run
    lines gives, or None."""
    for line in jsonl.splitlines():
        try:
            return study_pairs(json.loads(line))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
    return None


class Progress:
    """--progress lines: a line on stderr every `every` seconds while the
    shards run (shards done of all, runs done of the study's, runs a second,
    ETA), from a thread of its own, and one at the end."""

    def __init__(self, shards, every):
        self.shards, self.every = shards, every
        self.done = self.runs = 0
        self.total = None
        self.start = time.monotonic()
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.tick, daemon=True)
        self.thread.start()

    def shard_back(self, jsonl=""):
        """A shard came back (or failed): its run lines."""
        with self.lock:
            self.done += 1
            self.runs += sum(1 for line in jsonl.splitlines() if line.strip())
            if self.total is None:
                self.total = pairs_of_study(jsonl)

    def line(self, end=False):
        with self.lock:
            secs = time.monotonic() - self.start
            rate = self.runs / secs if secs > 0 else 0.0
            runs = f"{self.runs}" if self.total is None else f"{self.runs}/{self.total}"
            if end:
                tail = f"done in {clock(secs)}"
            elif self.total is not None and rate > 0:
                tail = f"ETA {clock(max(self.total - self.runs, 0) / rate)}"
            else:
                tail = "ETA unknown"
            percent = self.done * 100 // self.shards
            return (
                f"{PROG}: progress: {self.done}/{self.shards} shards ({percent}%), {runs} runs, "
                f"{figures(rate)} runs/s, {tail}"
            )

    def tick(self):
        while not self.stopped.wait(self.every):
            sys.stderr.write(self.line() + "\n")
            sys.stderr.flush()

    def finish(self, end):
        """Stop the lines; `end`: write the last one."""
        self.stopped.set()
        self.thread.join()
        if end:
            sys.stderr.write(self.line(end=True) + "\n")
            sys.stderr.flush()


def collect(client, args, out_dir, tmp_root):
    """Submit the shards, write each one's lines as it comes back; return
    the written files (in shard order) and the failed shards' messages. On
    an exception (a signal) the shards are cancelled, which stops their
    processes. With --progress lines, the lines say how far the study
    has got."""
    progress = Progress(args.shards, args.progress_every) if args.progress == "lines" else None
    try:
        got = collect_shards(client, args, out_dir, tmp_root, progress)
    except BaseException:
        if progress is not None:
            progress.finish(end=False)
        raise
    if progress is not None:
        progress.finish(end=True)
    return got


def collect_shards(client, args, out_dir, tmp_root, progress):
    """collect()'s work; each shard that comes back is told to `progress`
    (if any)."""
    from distributed import as_completed

    futures = [
        client.submit(run_shard, args.logreg, k, args.shards, args.settings, tmp_root, retries=args.retries, pure=False)
        for k in range(args.shards)
    ]
    index = {f.key: k for k, f in enumerate(futures)}
    files, failed = {}, {}
    try:
        for f in as_completed(futures):
            k = index[f.key]
            try:
                got = f.result()
            except Exception as e:  # the task's own error after its retries, or a lost worker
                if progress is not None:
                    progress.shard_back()
                failed[k] = f"{type(e).__name__}: {e}" if not isinstance(e, ShardFailed) else str(e)
                print(
                    f"{PROG}: shard {k}/{args.shards} failed after {args.retries} retries: {failed[k]}",
                    file=sys.stderr,
                )
                continue
            if progress is not None:
                progress.shard_back(got.get("jsonl", ""))
            if "stopped" in got:  # cancelled, which only a stopping study does
                failed[k] = "cancelled"
                continue
            if "bad_input" in got:
                raise BadInput(f"shard {k}/{args.shards}: logreg repeat refused the settings: {got['bad_input']}")
            for line in got["stderr"].strip().splitlines():
                if got["all_failed"] and line.startswith("error: every run failed"):
                    line = "every run of this shard failed; its lines are merged"
                print(f"{PROG}: shard {k}/{args.shards}: {line}", file=sys.stderr)
            if not got["jsonl"]:
                continue
            files[k] = write_whole(out_dir, shard_name(k, args.shards), got["jsonl"])
    except BaseException:
        client.cancel(futures)
        raise
    return [files[k] for k in sorted(files)], failed


def summarize(args, files):
    cmd = [args.logreg, "summarize", *files, *(["--json"] if args.json else []), *args.summary_flags]
    sys.stdout.flush()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    try:
        return proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def on_signal(signum, frame):
    raise Stopped(signum)


def main(argv):
    for s in STOP_SIGNALS:
        signal.signal(s, on_signal)
    args = parse(argv)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        fail("the dask and distributed packages are missing: pip install -r scripts/requirements.txt", 1)
    import logging

    import dask

    keep = args.out_dir is not None
    if keep:
        try:
            os.makedirs(args.out_dir, exist_ok=True)
        except OSError as e:
            fail(f"--out-dir {args.out_dir}: cannot create it: {e.strerror or e}")
        if not os.access(args.out_dir, os.W_OK | os.X_OK):
            fail(f"--out-dir {args.out_dir}: not writable")
        check_out_dir(args.out_dir, args.shards)
    cluster = None
    # The script's own temporary folder: the shard files unless --out-dir,
    # and for a local cluster the workers' folders and the shards' scratch.
    scratch = tempfile.mkdtemp(prefix="dask-repeat-")
    try:
        dask.config.set({"temporary-directory": scratch})
        out_dir = args.out_dir if keep else scratch
        if args.local is not None:
            # The workers are started ignoring SIGINT, so that Ctrl-C reaches
            # only this process (and the logreg runs), which closes the cluster.
            was = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                cluster = LocalCluster(
                    n_workers=args.local,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                    local_directory=scratch,
                )
            finally:
                signal.signal(signal.SIGINT, was)
            client = Client(cluster)
            tmp_root = scratch
        else:
            try:
                client = Client(args.scheduler, timeout="30s")
            except ValueError as e:
                fail(f"--scheduler {args.scheduler}: {e}")
            except OSError as e:
                fail(f"--scheduler {args.scheduler}: {e}", 1)
            tmp_root = None
        with client:
            files, failed = collect(client, args, out_dir, tmp_root)
        if cluster is not None:
            cluster.close()
            cluster = None
        if not files and failed:
            fail(f"no shard came back ({len(failed)} of {args.shards} failed); nothing to summarize", 1)
        if not files:
            fail(f"none of the {args.shards} shards wrote a run (does the study have any?)", 1)
        status = summarize(args, files)
        if failed:
            print(
                f"{PROG}: error: {len(failed)} of {args.shards} shards failed "
                f"({', '.join(str(k) for k in sorted(failed))}); the summary above leaves their runs out",
                file=sys.stderr,
            )
            return status or 1
        return status
    except BadInput as e:
        fail(str(e))
    except (Stopped, KeyboardInterrupt) as e:
        signum = e.signum if isinstance(e, Stopped) else signal.SIGINT
        # The cleanup below runs to its end: further signals are ignored.
        for s in STOP_SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        local = ", the local cluster shut down" if args.local is not None else ""
        print(f"{PROG}: stopped by {signal.Signals(signum).name}; the shards cancelled{local}", file=sys.stderr)
        return 128 + signum
    except OSError as e:
        fail(f"{e}", 1)
    finally:
        for s in STOP_SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        if cluster is not None:
            cluster.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (Stopped, KeyboardInterrupt) as e:
        # A signal before the study started: there is nothing to stop.
        signum = e.signum if isinstance(e, Stopped) else signal.SIGINT
        print(f"{PROG}: stopped by {signal.Signals(signum).name}", file=sys.stderr)
        sys.exit(128 + signum)
