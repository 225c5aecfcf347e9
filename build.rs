//! Link step for the `logreg` binaries: make them find libtorch without
//! `LD_LIBRARY_PATH`, and keep `libtorch_cuda` linked where libtorch has it.
//!
//! `torch-sys` (a direct dependency at the same version as `tch`) emits
//! `cargo:libtorch_lib=<dir>`, which Cargo hands to direct dependents as
//! `DEP_TCH_LIBTORCH_LIB`. We turn it into an rpath. `--no-as-needed -ltorch`
//! keeps `libtorch.so` (and through it `libtorch_cuda.so`) in NEEDED; without
//! it the linker drops CUDA silently. See ../shared/REFERENCE.md §4.4-4.5.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" || os == "windows" {
        if let Some(lib) = std::env::var_os("DEP_TCH_LIBTORCH_LIB") {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.to_string_lossy());
        }
        println!("cargo:rustc-link-arg=-Wl,--no-as-needed");
        println!("cargo:rustc-link-arg=-ltorch");
    }
}
