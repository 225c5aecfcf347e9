// The network's replayed gradient step (src/nn/replay.rs, `Replay`) in one
// call: the same ATen operators, called in the same order on the same
// tensors as the tch calls they replace, so every bit is the same.
//
// What it saves is the cost around each operator: a tch call allocates a new
// tensor handle for every result (and Rust frees it), crosses the FFI once
// per operator, and goes through autograd's kernels (VariableType,
// ADInplaceOrView) before it reaches the arithmetic. Here the dispatcher is
// entered below those keys (`AutoDispatchBelowADInplaceOrView`): the backend
// kernel it picks (CPU, or CUDA) is the one autograd's kernel would have
// redispatched to, and inside it ATen still picks its vectorised code by CPU
// capability, as always. Nothing here is recorded for autograd and no
// version counter moves: no tensor involved is saved by any graph.
#include <ATen/core/Tensor.h>
#include <ATen/core/LegacyTypeDispatch.h>
#include <ATen/ops/add.h>
#include <ATen/ops/addmm.h>
#include <ATen/ops/binary_cross_entropy_backward.h>
#include <ATen/ops/mm.h>
#include <ATen/ops/sigmoid.h>
#include <ATen/ops/sigmoid_backward.h>
#include <ATen/ops/sum.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace {
// The first line of an exception's message, malloc'd (the caller frees it).
char* message(const std::exception& e) {
  const char* what = e.what();
  size_t len = std::strcspn(what, "\n");
  char* out = static_cast<char*>(std::malloc(len + 1));
  if (out != nullptr) {
    std::memcpy(out, what, len);
    out[len] = '\0';
  }
  return out;
}
}  // namespace

// The tensors of one step, as `StepTensors` in src/nn/shim.rs (same fields,
// same order): inputs, the scratch it writes, the gradients.
struct StepTensors {
  const at::Tensor* bias;
  const at::Tensor* x;
  const at::Tensor* ws_t;
  const at::Tensor* y;
  const at::Tensor* one;
  at::Tensor* out;
  at::Tensor* g_bce;
  at::Tensor* g;
  const at::Tensor* g_t;
  at::Tensor* ws_grad;
  at::Tensor* bs_grad_2d;
  const at::Tensor* ws;
  const at::Tensor* bs_grad;
};

extern "C" {

// out = sigmoid(addmm(bias, x, ws_t)); g_bce = BCE'(out, y); g = sigmoid'(g_bce, out);
// ws_grad = g_t.mm(x); bs_grad_2d = g.sum([0], keepdim). With `lr` not NaN, also
// plain SGD's update, as torch::optim::SGD::step does it (momentum 0, no weight
// decay): ws += -lr * ws_grad, then bias += -lr * bias_grad.
//
// A layer without a bias (`bias`, `bs_grad_2d` and `bs_grad` null) is
// `linear(x, W)` without one, which ATen runs as `mm(x, ws_t)` (its
// backward for W is the same `mm_mat2_backward` as addmm's); there is no
// bias gradient nor update.
//
// Returns null, or the error's first line (malloc'd; the caller frees it).
char* logreg_replay_step(const StepTensors* t, double lr) {
  try {
    at::AutoDispatchBelowADInplaceOrView below_autograd;
    if (t->bias != nullptr) {
      at::addmm_out(*t->out, *t->bias, *t->x, *t->ws_t);
    } else {
      at::mm_out(*t->out, *t->x, *t->ws_t);
    }
    at::sigmoid_(*t->out);
    at::binary_cross_entropy_backward_out(*t->g_bce, *t->one, *t->out, *t->y, ::std::nullopt,
                                          at::Reduction::Mean);
    at::sigmoid_backward_out(*t->g, *t->g_bce, *t->out);
    at::mm_out(*t->ws_grad, *t->g_t, *t->x);
    if (t->bias != nullptr) {
      at::sum_out(*t->bs_grad_2d, *t->g, at::IntArrayRef{0}, true, ::std::nullopt);
    }
    if (!std::isnan(lr)) {
      t->ws->add_(*t->ws_grad, -1 * lr);
      if (t->bias != nullptr) {
        t->bias->add_(*t->bs_grad, -1 * lr);
      }
    }
    return nullptr;
  } catch (const std::exception& e) {
    return message(e);
  }
}

}  // extern "C"
