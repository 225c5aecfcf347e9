#!/usr/bin/env python3
"""Run a `logreg repeat` study on a Dask cluster, shard by shard, and print
the merged summary (issue 15).

Task k of K runs, on a Dask worker,

    logreg repeat --shard k/K --runs-out <file> --quiet [--threads 1] SETTINGS

and sends back the file's JSON lines. The lines are written here, one file per
shard, and merged by `logreg summarize FILE... [--json]`, whose stdout, stderr
and exit status are this script's. Since replication i of every cell has seed
S+i wherever it runs, the merged summary is the single-process study's
(`logreg repeat SETTINGS`) bit for bit, apart from the timings (keys ending
in `_s`).

A failed task is retried (--retries). A shard that still fails is named on
stderr with its exit status and the last line of its stderr; the shards that
came back are merged all the same (summarize names the missing pairs), and
the exit status is not 0.

The workers must have `logreg` at the --logreg path (and libtorch beside it,
as `scripts/setup.sh` arranges), and the pins of scripts/requirements.txt.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile

PROG = "dask_repeat"
# Flags the script sets itself for each shard; the study's settings must not.
OWN_FLAGS = ("--shard", "--runs-out", "--resume")

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
shard gets `--threads 1` unless the settings give --threads. --shard,
--runs-out and --resume are the script's own and refused there.
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
        "(default: target/release/logreg of this checkout, else logreg on PATH)",
    )
    p.add_argument(
        "--retries", metavar="N", type=nonnegative, default=2, help="retries of a failed shard (default: 2)"
    )
    p.add_argument(
        "--out-dir",
        metavar="DIR",
        help="keep the shard files (shard-K-of-N.jsonl) in DIR, created if missing "
        "(default: a temporary folder, removed at the end)",
    )
    args = p.parse_args(ours)
    for s in settings:
        name = s.split("=", 1)[0]
        if name in OWN_FLAGS:
            p.error(f"the repeat settings after -- must not contain {name}: dask_repeat.py sets it for each shard")
    args.settings = settings
    args.json = "--json" in settings
    if not any(s == "--threads" or s.startswith("--threads=") for s in settings):
        settings += ["--threads", "1"]
    if args.logreg is None:
        args.logreg = default_logreg()
        if args.logreg is None:
            p.error("no logreg binary: target/release/logreg is not built, logreg is not on PATH; give --logreg")
    elif not os.access(args.logreg, os.X_OK):
        p.error(f"--logreg {args.logreg}: not an executable file")
    args.logreg = os.path.abspath(args.logreg) if os.sep in args.logreg else args.logreg
    return args


def positive(text):
    v = nonnegative(text)
    if v == 0:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: must be at least 1")
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


# Runs logreg with Ctrl-C's default action: the local workers ignore SIGINT
# (the client shuts them down) and their children would inherit that.
DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"
)


class ShardFailed(Exception):
    """A shard's `logreg repeat` exited with a non-zero status (not bad input)."""


class BadInput(Exception):
    """A shard's `logreg repeat` refused the settings (exit status 2)."""


def run_shard(logreg, k, shards, settings):
    """On a worker: run shard k/shards of the study and return its JSON lines
    and its stderr. A non-zero exit status raises ShardFailed, which Dask
    retries, except bad input (status 2), which is returned as such."""
    with tempfile.TemporaryDirectory(prefix="logreg-shard-") as tmp:
        out = os.path.join(tmp, "runs.jsonl")
        shard = ["repeat", "--shard", f"{k}/{shards}", "--runs-out", out, "--quiet", *settings]
        cmd = [sys.executable, "-c", DEFAULT_SIGINT, logreg, *shard]
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            lines = r.stderr.strip().splitlines()
            last = lines[-1] if lines else "(no message)"
            if r.returncode == BAD_INPUT:
                return {"k": k, "bad_input": last}
            raise ShardFailed(f"exit status {r.returncode}: {last}")
        # A shard with no pairs (more shards than pairs) may leave no file.
        jsonl = ""
        if os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                jsonl = f.read()
        return {"k": k, "jsonl": jsonl, "stderr": r.stderr}


def shard_name(k, shards):
    width = len(str(shards - 1))
    return f"shard-{k:0{width}d}-of-{shards}.jsonl"


def collect(client, args, out_dir):
    """Submit the shards, write each one's lines as it comes back; return
    the written files (in shard order) and the failed shards' messages."""
    futures = [
        client.submit(run_shard, args.logreg, k, args.shards, args.settings, retries=args.retries, pure=False)
        for k in range(args.shards)
    ]
    from distributed import as_completed

    index = {f.key: k for k, f in enumerate(futures)}
    files, failed = {}, {}
    try:
        for f in as_completed(futures):
            k = index[f.key]
            try:
                got = f.result()
            except Exception as e:  # the task's own error after its retries, or a lost worker
                failed[k] = f"{type(e).__name__}: {e}" if not isinstance(e, ShardFailed) else str(e)
                print(
                    f"{PROG}: shard {k}/{args.shards} failed after {args.retries} retries: {failed[k]}",
                    file=sys.stderr,
                )
                continue
            if "bad_input" in got:
                client.cancel(futures)
                raise BadInput(f"shard {k}/{args.shards}: logreg repeat refused the settings: {got['bad_input']}")
            for line in got["stderr"].strip().splitlines():
                print(f"{PROG}: shard {k}/{args.shards}: {line}", file=sys.stderr)
            if not got["jsonl"]:
                continue
            path = os.path.join(out_dir, shard_name(k, args.shards))
            tmp = path + ".part"
            with open(tmp, "w", encoding="utf-8") as out:
                out.write(got["jsonl"])
            os.replace(tmp, path)
            files[k] = path
    except KeyboardInterrupt:
        client.cancel(futures)
        raise
    return [files[k] for k in sorted(files)], failed


def summarize(args, files):
    cmd = [args.logreg, "summarize", *files] + (["--json"] if args.json else [])
    sys.stdout.flush()
    return subprocess.run(cmd, stdin=subprocess.DEVNULL).returncode


def main(argv):
    args = parse(argv)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        fail("the dask and distributed packages are missing: pip install -r scripts/requirements.txt", 1)
    import logging

    keep = args.out_dir is not None
    if keep:
        os.makedirs(args.out_dir, exist_ok=True)
        out_dir = args.out_dir
    else:
        out_dir = tempfile.mkdtemp(prefix="dask-repeat-")
    cluster = None
    try:
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
                )
            finally:
                signal.signal(signal.SIGINT, was)
            client = Client(cluster)
        else:
            client = Client(args.scheduler, timeout="30s")
        with client:
            files, failed = collect(client, args, out_dir)
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
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; cluster shut down", file=sys.stderr)
        return 130
    except OSError as e:
        fail(f"{e}", 1)
    finally:
        if cluster is not None:
            cluster.close()
        if not keep:
            shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
