//! Link step for the `logreg` binaries: make them find libtorch without
//! `LD_LIBRARY_PATH`, and tell the program where libtorch's CUDA library is.
//!
//! `torch-sys` (a direct dependency at the same version as `tch`) emits
//! `cargo:libtorch_lib=<dir>`, which Cargo hands to direct dependents as
//! `DEP_TCH_LIBTORCH_LIB` (../shared/REFERENCE.md §4.4-4.5). We turn it into
//! an rpath, and into `LOGREG_LIBTORCH_LIB` for `logreg::torch::load_cuda`.
//!
//! CUDA is loaded on demand, not linked: the usual `--no-as-needed -ltorch`
//! would put `libtorch_cuda.so` in NEEDED, and loading it (with cuBLAS,
//! cuDNN, NCCL...) costs every run about 270 MB of resident memory and 0.2 s,
//! GPU or not. Instead `--device cuda` dlopens it from this folder before any
//! CUDA query, which registers libtorch's CUDA hooks just as linking would.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if let Some(lib) = std::env::var_os("DEP_TCH_LIBTORCH_LIB") {
        let lib = lib.to_string_lossy();
        if os == "linux" || os == "windows" {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
        }
        println!("cargo:rustc-env=LOGREG_LIBTORCH_LIB={lib}");
    }
}
