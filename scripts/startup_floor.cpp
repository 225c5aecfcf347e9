// The start-up floor of any program on libtorch: links
// libtorch_cpu and libc10, as target/release/logreg does, and does nothing.
// Its run time is the dynamic loader plus libtorch's static initialisers
// (operator registration), which every logreg process pays before main.
// Built and timed beside `logreg --version` by scripts/bench_startup.sh.
int main() { return 0; }
