//! The one integration-test binary (every test binary links libtorch, which
//! is slow, so there is only this one). Each module pins one command's
//! behaviour by running the real `logreg` binary.
mod cells;
mod counts;
mod data;
mod design_file;
mod designs;
mod errors;
mod formula;
mod glm;
mod glm_options;
mod glm_stream;
mod limits;
mod messages;
mod network_options;
mod nn;
mod nn_replay;
mod output;
mod plots;
mod predict;
mod progress;
mod repeat;
mod simulate;
mod study;
mod summarize;
mod support;
