//! Link step for the `logreg` binaries: make them find libtorch without
//! `LD_LIBRARY_PATH`, and tell the program where libtorch's CUDA library is.
//!
//! `torch-sys` (a direct dependency at the same version as `tch`) emits
//! `cargo:libtorch_lib=<dir>`, which Cargo hands to direct dependents as
//! `DEP_TCH_LIBTORCH_LIB` (its `links` metadata). We turn it into an rpath,
//! and into `LOGREG_LIBTORCH_LIB` for `logreg::runtime::torch::load_cuda`.
//!
//! CUDA is loaded on demand, not linked: the usual `--no-as-needed -ltorch`
//! would put `libtorch_cuda.so` in NEEDED, and loading it (with cuBLAS,
//! cuDNN, NCCL...) costs every run about 270 MB of resident memory and 0.2 s,
//! GPU or not. Instead `--device cuda` dlopens it from this folder before any
//! CUDA query, which registers libtorch's CUDA hooks just as linking would.
//!
//! It also compiles `src/nn/replay_step.cpp` (the network's replayed step in
//! one call, `logreg::nn::shim`) against the headers of that same libtorch:
//! `LIBTORCH_INCLUDE/include` when set (torch-sys's override), else the
//! `include` folder beside the library folder (the layout of both the
//! libtorch archive and the PyTorch wheel). The C++ flags are torch-sys's.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    println!("cargo:rerun-if-env-changed=LIBTORCH_INCLUDE");
    println!("cargo:rerun-if-changed=src/nn/replay_step.cpp");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let lib = std::env::var_os("DEP_TCH_LIBTORCH_LIB")
        .expect("torch-sys names the libtorch library folder (DEP_TCH_LIBTORCH_LIB)");
    let lib = PathBuf::from(lib);
    if os == "linux" || os == "windows" {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    }
    println!("cargo:rustc-env=LOGREG_LIBTORCH_LIB={}", lib.display());

    let include = match std::env::var_os("LIBTORCH_INCLUDE") {
        Some(dir) => PathBuf::from(dir).join("include"),
        None => lib.join("..").join("include"),
    };
    let mut build = cc::Build::new();
    build.cpp(true).file("src/nn/replay_step.cpp");
    if os == "windows" {
        build.include(&include).flag("/std:c++17");
    } else {
        // A system folder: warnings inside libtorch's headers are not ours.
        build
            .flag("-isystem")
            .flag(include.display().to_string())
            .flag("-std=c++17")
            .flag("-D_GLIBCXX_USE_CXX11_ABI=1")
            // libtorch's headers use C++20 bit-field initialisers that
            // g++ accepts in C++17 with a warning per file.
            .flag_if_supported("-Wno-c++20-extensions");
    }
    build.compile("logreg_replay_step");
}
