//! The replayed gradient step in one call into C++ (`src/nn/replay_step.cpp`,
//! compiled by `build.rs`): the same ATen operators in the same order as the
//! tch calls they replace, without a tensor handle, an FFI crossing and
//! autograd's kernels per operator.
use std::ffi::{c_char, c_double, c_void, CStr};
use std::marker::PhantomData;

use tch::{TchError, Tensor};

/// A borrowed tensor as the C++ side takes it: tch's `*const C_tensor` is
/// an `at::Tensor*` (torch-sys's `libtch`), tied here to the borrow.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub(crate) struct TensorRef<'a>(*const c_void, PhantomData<&'a Tensor>);

impl<'a> From<&'a Tensor> for TensorRef<'a> {
    fn from(t: &'a Tensor) -> Self {
        TensorRef(t.as_ptr() as *const c_void, PhantomData)
    }
}

impl<'a> From<Option<&'a Tensor>> for TensorRef<'a> {
    /// A tensor, or null for none (a layer without a bias).
    fn from(t: Option<&'a Tensor>) -> Self {
        t.map_or(TensorRef(std::ptr::null(), PhantomData), TensorRef::from)
    }
}

/// The tensors of one step: inputs, the scratch it writes, the gradients.
/// Laid out as `StepTensors` in `replay_step.cpp` (same fields, same order).
/// `bias`, `bs_grad_2d` and `bs_grad` are null for a layer without a bias.
#[repr(C)]
pub(crate) struct StepTensors<'a> {
    pub bias: TensorRef<'a>,
    pub x: TensorRef<'a>,
    pub ws_t: TensorRef<'a>,
    pub y: TensorRef<'a>,
    pub one: TensorRef<'a>,
    pub out: TensorRef<'a>,
    pub g_bce: TensorRef<'a>,
    pub g: TensorRef<'a>,
    pub g_t: TensorRef<'a>,
    pub ws_grad: TensorRef<'a>,
    pub bs_grad_2d: TensorRef<'a>,
    pub ws: TensorRef<'a>,
    pub bs_grad: TensorRef<'a>,
}

extern "C" {
    fn logreg_replay_step(t: *const StepTensors<'_>, lr: c_double) -> *mut c_char;
}

/// `out = sigmoid(addmm(bias, x, ws_t))`, BCE's and the sigmoid's backward
/// into `g_bce` and `g`, `ws_grad = gᵀ x`, `bs_grad = Σ g`; with `sgd_lr`,
/// also plain SGD's update of the weight, then the bias (`p += -lr · grad`,
/// as `torch::optim::SGD` with momentum 0).
pub(crate) fn replay_step(t: &StepTensors, sgd_lr: Option<f64>) -> Result<(), TchError> {
    // SAFETY: every pointer is a live `at::Tensor` owned by a tch `Tensor`
    // borrowed for the call (`TensorRef`'s lifetime); the C++ side keeps none of
    // them, catches every exception, and returns either null or a malloc'd
    // string we free.
    let err = unsafe { logreg_replay_step(t, sgd_lr.unwrap_or(f64::NAN)) };
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
