#!/usr/bin/env bash
# Records what a logreg binary does on a fixed set of runs, so that two builds
# can be compared byte for byte: every command's stdout, stderr, exit code and
# written files, with the timing keys (names ending in `_s`) and timing lines
# taken out.
#
#   scripts/behaviour.sh BINARY OUTDIR       record BINARY's behaviour into OUTDIR
#   diff -r OUTDIR_A OUTDIR_B                 compare two recordings
#
# BIG=0 leaves out the 1e6 × 10 fit (about 10 s).
set -uo pipefail

bin=$(realpath "$1")
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
fx=$root/tests/fixtures
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME=$work/cache

# Drops `_s` keys from JSON (whole documents or JSON lines) and blanks timings.
normalise() {
    python3 - "$1" "$root/scripts" <<'EOF'
import json, re, sys
path = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from same_summary import strip
text = open(path, encoding="utf-8", errors="surrogateescape").read()
def one(s):
    try:
        return json.dumps(strip(json.loads(s)), sort_keys=False)
    except Exception:
        return None
whole = one(text) if text.strip() else None
if whole is not None:
    text = whole + "\n"
else:
    lines = []
    for line in text.split("\n"):
        j = one(line) if line.startswith("{") else None
        lines.append(j if j is not None else line)
    text = "\n".join(lines)
# Wall-clock figures in tables and notes.
text = re.sub(r"\d+(\.\d+)?\s*(ms|s|µs)\b", "<time>", text)
text = re.sub(r"(?m)^(Time:|Date:).*$", r"\1 <now>", text)
text = re.sub(r'"(Time|Date)": "[^"]*"', r'"\1": "<now>"', text)
text = text.replace(sys.argv[1].rsplit("/", 2)[0], "<work>")
open(path, "w", encoding="utf-8", errors="surrogateescape").write(text)
EOF
}

n=0
# case NAME ARGS...: runs the binary in a fresh folder, keeps what it wrote.
case_() {
    local name=$1
    shift
    local dir=$work/run/$name
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && "$bin" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" </dev/null)
    echo $? >"$out/$name.rc"
    sed -i "s#$work#<work>#g" "$out/$name.stdout" "$out/$name.stderr"
    normalise "$out/$name.stdout"
    normalise "$out/$name.stderr"
    for f in $(cd "$dir" && find . -type f | sort); do
        local dest=$out/$name.files/${f#./}
        mkdir -p "$(dirname "$dest")"
        cp "$dir/$f" "$dest"
        normalise "$dest"
    done
    n=$((n + 1))
}

cp "$fx/glm/spector.csv" "$fx/glm/anes96.csv" "$fx/glm/lecture.csv" "$fx/glm/separated.csv" "$work/"
cp "$fx/glm/options/anes96_counts.csv" "$fx/glm/options/modechoice.csv" "$fx/glm/options/modechoice_new.csv" "$work/"
cp "$fx/repeat/mcse_study.jsonl" "$work/"
W=$work

case_ simulate simulate --n 50 --seed 3
case_ simulate_truth simulate --n 20 --beta 1,2,3,4 --with-truth -o sim.csv
case_ glm_lecture glm
case_ glm_lecture_json glm --json
case_ glm_spector glm --data $W/spector.csv --target GRADE
case_ glm_spector_json glm --data $W/spector.csv --target GRADE --json --alpha 0.1
case_ glm_anes glm --data $W/anes96.csv --target vote --json
case_ glm_separated glm --data $W/separated.csv --json
for link in probit cloglog loglog cauchy; do
    case_ glm_link_$link glm --data $W/spector.csv --target GRADE --link $link --json
done
for cov in HC0 HC1 HC2 HC3; do
    case_ glm_cov_$cov glm --data $W/spector.csv --target GRADE --cov-type $cov --json
done
case_ glm_cluster glm --data $W/anes96.csv --target vote --features TVnews,age,educ --cov-type cluster --groups PID --json
case_ glm_freq glm --data $W/anes96_counts.csv --target vote --features PID,selfLR,educ --freq-weights count --json
case_ glm_var glm --data $W/anes96_counts.csv --target vote --features PID,selfLR,educ --var-weights count --json
case_ glm_offset glm --data $W/anes96.csv --target vote --features PID,age --offset educ
case_ glm_save glm --data $W/modechoice.csv --target choice --features ttme,invc,hinc,psize --offset off --save-model m.json
case_ glm_stream glm --data $W/anes96.csv --target vote --max-memory 1K --json
case_ glm_stream_again glm --data $W/anes96.csv --target vote --max-memory 1K
case_ glm_stream_nocache glm --data $W/spector.csv --target GRADE --max-memory 1K --no-cache
case_ nn_lecture nn --steps 2000
case_ nn_json nn --steps 500 --json --seed 4
case_ nn_adam nn --optimizer adam --steps 300 --data $W/spector.csv --target GRADE --standardize --json
case_ nn_momentum nn --momentum 0.9 --nesterov --steps 300 --json
case_ nn_batch nn --batch-size 64 --steps 200 --json
case_ nn_f64 nn --dtype f64 --steps 300 --json --link probit
case_ nn_trace nn --steps 300 --trace t.csv --log-every 50 --plots p --save-model nn.json
case_ nn_tol nn --tol 1e-4 --json --autograd --steps 3000
case_ compare compare --n 300 --steps 1000
case_ compare_json compare --n 300 --steps 1000 --json --link cloglog
case_ compare_plots compare --n 200 --steps 500 --plots p
case_ compare_data compare --data $W/spector.csv --target GRADE --standardize --steps 2000 --cov-type HC1
case_ demo demo
case_ repeat repeat --runs 20 --steps 300
case_ repeat_grid repeat --runs 6 --n 100,200 --lr 0.1,0.5 --steps 200 --json --runs-out runs.jsonl --plots p
case_ repeat_exact repeat --runs 5 --steps 200 --exact --json
case_ repeat_glm repeat --runs 50 --fits glm --json --cov-type HC3
case_ repeat_nn repeat --runs 5 --fits nn --optimizer adam,sgd --steps 100
case_ repeat_sep repeat --runs 30 --n 40 --beta 0,3,3 --fits glm --on-separation fail --json
for i in 0 1 2; do
    case_ repeat_shard$i repeat --runs 6 --n 100,200 --lr 0.1,0.5 --steps 200 --shard $i/3 --runs-out $W/shard$i.jsonl --quiet
done
case_ summarize_shards summarize $W/shard0.jsonl $W/shard1.jsonl $W/shard2.jsonl --json --plots p
case_ summarize_missing summarize $W/shard0.jsonl $W/shard2.jsonl
case_ summarize_mcse summarize $W/mcse_study.jsonl --json
cp "$out/glm_save.files/m.json" "$W/m.json"
case_ predict predict --model $W/m.json --data $W/modechoice_new.csv
case_ predict_out predict --model $W/m.json --data $W/modechoice_new.csv --alpha 0.1 -o pred.csv
cp "$out/nn_trace.files/nn.json" "$W/nn.json"
case_ predict_nn predict --model $W/nn.json --data $W/lecture.csv

# Refusals and their exit codes.
for f in "$fx"/csv/bad_*.csv; do
    b=$(basename "$f" .csv)
    cp "$f" "$W/$b.csv"
    case_ err_$b glm --data $W/$b.csv
done
case_ err_no_file glm --data $W/nope.csv
case_ err_features glm --data $W/spector.csv --target GRADE --features GPA,NOPE
case_ err_cluster glm --data $W/spector.csv --target GRADE --cov-type cluster
case_ err_nesterov nn --nesterov
case_ err_momentum nn --optimizer adam --momentum 0.5
case_ err_lr nn --lr -1
case_ err_shard repeat --shard 3/3
case_ err_resume repeat --resume
case_ err_model predict --model $W/spector.csv --data $W/spector.csv
case_ err_stdout glm --json --save-model -
case_ err_summarize_empty summarize /dev/null

if [ "${BIG:-1}" != 0 ]; then
    "$bin" simulate --n 1000000 --beta 0.1,0.2,-0.3,0.4,-0.5,0.6,-0.7,0.8,-0.9,1.0,0.5 --seed 9 -o "$W/big.csv" 2>/dev/null
    case_ big_glm glm --data $W/big.csv --json
    case_ big_glm_stream glm --data $W/big.csv --max-memory 64M --json
fi
echo "recorded $n runs into $out" >&2
