//! The replayed gradient step in one call into C++ (`src/nn/replay_step.cpp`,
//! compiled by `build.rs`): the same ATen operators in the same order as the
//! tch calls they replace, without a tensor handle, an FFI crossing and
//! autograd's kernels per operator.
use std::ffi::{c_char, c_double, CStr};

use tch::{TchError, Tensor};

// Each `*const C_tensor` of tch is an `at::Tensor*` (torch-sys's `libtch`).
type At = *const std::ffi::c_void;

extern "C" {
    fn logreg_replay_step(
        bias: At,
        x: At,
        ws_t: At,
        y: At,
        one: At,
        out: At,
        g_bce: At,
        g: At,
        g_t: At,
        ws_grad: At,
        bs_grad_2d: At,
        ws: At,
        bs_grad: At,
        lr: c_double,
    ) -> *mut c_char;
}

/// The tensors of one step: inputs, the scratch it writes, the gradients.
pub(crate) struct StepTensors<'a> {
    pub bias: &'a Tensor,
    pub x: &'a Tensor,
    pub ws_t: &'a Tensor,
    pub y: &'a Tensor,
    pub one: &'a Tensor,
    pub out: &'a Tensor,
    pub g_bce: &'a Tensor,
    pub g: &'a Tensor,
    pub g_t: &'a Tensor,
    pub ws_grad: &'a Tensor,
    pub bs_grad_2d: &'a Tensor,
    pub ws: &'a Tensor,
    pub bs_grad: &'a Tensor,
}

/// `out = sigmoid(addmm(bias, x, ws_t))`, BCE's and the sigmoid's backward
/// into `g_bce` and `g`, `ws_grad = gᵀ x`, `bs_grad = Σ g`; with `sgd_lr`,
/// also plain SGD's update of the weight, then the bias (`p += -lr · grad`,
/// as `torch::optim::SGD` with momentum 0).
pub(crate) fn replay_step(t: &StepTensors, sgd_lr: Option<f64>) -> Result<(), TchError> {
    let p = |t: &Tensor| t.as_ptr() as At;
    // SAFETY: every pointer is a live `at::Tensor` owned by a tch `Tensor`
    // borrowed for the call; the C++ side keeps none of them, catches every
    // exception, and returns either null or a malloc'd string we free.
    let err = unsafe {
        logreg_replay_step(
            p(t.bias),
            p(t.x),
            p(t.ws_t),
            p(t.y),
            p(t.one),
            p(t.out),
            p(t.g_bce),
            p(t.g),
            p(t.g_t),
            p(t.ws_grad),
            p(t.bs_grad_2d),
            p(t.ws),
            p(t.bs_grad),
            sgd_lr.unwrap_or(f64::NAN),
        )
    };
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: a NUL-terminated string malloc'd by the C++ side, freed once here.
    let msg = unsafe {
        let msg = CStr::from_ptr(err).to_string_lossy().into_owned();
        libc::free(err.cast());
        msg
    };
    Err(TchError::Torch(msg))
}
