"""torch's Adam and AdamW step without `Optimizer.step`'s per-call machinery, to the bit.

For a 2-16-16-1 net on batches of 32, `Adam.step` on its six tensors took about 93 µs of a 150 µs
batch: its profiler record and hook lookups, the grad-mode switch, the group's bookkeeping, the
dispatch, `_single_tensor_adam`'s per-tensor checks, and a fresh 0-d tensor wrapped around each
Python-float operand of `mul_`, `div` and `add_`. The arithmetic is eight small kernels a tensor.
This step makes those kernel calls itself (about 30 µs) on the optimizer's own state tensors,
created as torch creates them on the first step, so checkpoints, `--resume` and the exported
script's numbers stay the same to the bit (tests/test_adam_step.py compares params and state with
torch's after every step).

It is written against torch 2.14.1's `torch.optim.adam._single_tensor_adam`, the path Adam and
AdamW take on the CPU with their default options (foreach is not the CPU default), and is used
only there: on another torch version (`VERIFIED_TORCH`), with amsgrad, maximize, foreach, fused,
capturable or differentiable, a tensor lr or betas, step hooks, several parameter groups, or
parameters off the CPU, of mixed dtypes or complex, `step` answers False and the caller runs
`optimizer.step()`. Per tensor, in torch's order: `step += 1`; the weight decay when not 0 (Adam:
`grad = grad.add(param, alpha=wd)`; AdamW: `param.mul_(1 - lr * wd)`); `exp_avg.lerp_(grad,
1 - beta1)`; `exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)`; the step read back
as a Python float and torch's bias corrections computed from it in Python floats; `denom =
(exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)`; `param.addcdiv_(exp_avg, denom,
value=-step_size)`. Three things differ, none in a bit of the result:

- each op runs over all the tensors in one `torch._foreach_*` call, whose CPU implementation
  calls that same op on each tensor in turn; the tensors are independent, so taking them op by op
  rather than tensor by tensor changes no value;
- the Python floats `beta2`, `bias_correction2_sqrt` and `eps` are passed as 0-d tensors of the
  parameters' dtype holding the value the kernel reads (it converts a float operand to that dtype
  before computing), instead of a new 0-d tensor wrapped around each in every call;
- `step += 1` is `step.fill_(step + 1)`: a float32 (or float64) step plus one is exact in a Python
  float, so rounding it once to the step's dtype is what the tensor addition gives.
"""

from __future__ import annotations

import torch
from torch.optim import optimizer as torch_optimizer

VERIFIED_TORCH = ("2.14.1",)  # the releases whose Adam this step was checked against, line by line
COVERED_TYPES = (torch.optim.Adam, torch.optim.AdamW)
REAL_DTYPES = (torch.float32, torch.float64)


def torch_verified(version: str | None = None) -> bool:
    """Whether this torch's Adam is the one the step reproduces (a local tag like +cpu aside)."""
    return (version or torch.__version__).split("+")[0] in VERIFIED_TORCH


def covers(optimizer: torch.optim.Optimizer) -> bool:
    """Whether the optimizer's settings are ones the step reproduces. Asked at every step, not
    once: resuming a checkpoint loads the optimizer's settings over the ones it was built with."""
    if type(optimizer) not in COVERED_TYPES or len(optimizer.param_groups) != 1:
        return False
    group = optimizer.param_groups[0]
    get = group.get
    if get("amsgrad") or get("maximize") or get("foreach") or get("capturable") or get("differentiable") \
            or get("fused"):
        return False
    beta1, beta2 = group["betas"]
    tensor = torch.Tensor
    if isinstance(group["lr"], tensor) or isinstance(beta1, tensor) or isinstance(beta2, tensor) \
            or isinstance(group["weight_decay"], tensor) or isinstance(group["eps"], tensor):
        return False
    if optimizer._optimizer_step_pre_hooks or optimizer._optimizer_step_post_hooks:
        return False
    if torch_optimizer._global_optimizer_pre_hooks or torch_optimizer._global_optimizer_post_hooks:
        return False
    return getattr(optimizer, "grad_scale", None) is None and getattr(optimizer, "found_inf", None) is None


class AdamStep:
    """The step for one optimizer over parameters it may take (`adam_step_for`); it holds the 0-d
    operand tensors it refills at every step, so it is not shared between optimizers or threads."""

    def __init__(self, optimizer: torch.optim.Optimizer, dtype: torch.dtype):
        self.optimizer = optimizer
        self._beta2, self._bias_correction2_sqrt, self._eps = (torch.zeros((), dtype=dtype) for _ in range(3))

    def step(self, params: list[torch.Tensor], grads: list[torch.Tensor],
             aliases: list[torch.Tensor] | None = None) -> bool:
        """One Adam/AdamW step of `params` (the group's own, in its order, each with its gradient
        in `grads`; `aliases`: detached views of them to write through, else the step runs under
        no_grad). False, with nothing changed, when the settings are not covered or the
        parameters' step counts differ (state from elsewhere): the caller then runs
        `optimizer.step()`."""
        optimizer = self.optimizer
        if not covers(optimizer):
            return False
        state = optimizer.state
        states = [state[p] for p in params]  # new ones join optimizer.state in the group's order, as with torch
        if not all(states):
            _init_state(params, states)
        steps = [s["step"] for s in states]
        counts = [s.item() for s in steps]
        if counts.count(counts[0]) != len(counts):
            return False
        if aliases is None:
            with torch.no_grad():
                self._update(params, grads, states, steps, counts[0] + 1)
        else:
            self._update(aliases, grads, states, steps, counts[0] + 1)
        return True

    def _update(self, params: list[torch.Tensor], grads: list[torch.Tensor], states: list[dict],
                steps: list[torch.Tensor], count: float) -> None:
        group = self.optimizer.param_groups[0]
        lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        exp_avgs = [s["exp_avg"] for s in states]
        exp_avg_sqs = [s["exp_avg_sq"] for s in states]
        for s in steps:
            s.fill_(count)
        if weight_decay != 0:
            if group.get("decoupled_weight_decay"):
                torch._foreach_mul_(params, 1 - lr * weight_decay)
            else:
                grads = list(torch._foreach_add(grads, params, alpha=weight_decay))
        torch._foreach_lerp_(exp_avgs, grads, 1 - beta1)
        torch._foreach_mul_(exp_avg_sqs, self._beta2.fill_(beta2))
        torch._foreach_addcmul_(exp_avg_sqs, grads, grads, value=1 - beta2)

        step = steps[0].item()
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5

        denoms = list(torch._foreach_sqrt(exp_avg_sqs))
        torch._foreach_div_(denoms, self._bias_correction2_sqrt.fill_(bias_correction2_sqrt))
        torch._foreach_add_(denoms, [self._eps.fill_(eps)] * len(denoms))
        torch._foreach_addcdiv_(params, exp_avgs, denoms, -step_size)


def _init_state(params: list[torch.Tensor], states: list[dict]) -> None:
    """torch's lazy state (`Adam._init_group`'s), in each of the parameters' empty state dicts; made
    outside inference mode, as ordinary tensors that any later step (torch's too) may update in place."""
    with torch.inference_mode(False):
        for p, state in zip(params, states):
            if not state:
                state["step"] = torch.tensor(0.0, dtype=torch_optimizer._get_scalar_dtype(), device="cpu")
                state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)


def adam_step_for(optimizer: torch.optim.Optimizer) -> AdamStep | None:
    """The step for an Adam or AdamW over real CPU parameters of one dtype, on the torch it was
    verified against; None otherwise (the optimizer then always takes its own step)."""
    if not torch_verified() or type(optimizer) not in COVERED_TYPES:
        return None
    params = [p for group in optimizer.param_groups for p in group["params"]]
    if not params or not all(p.device.type == "cpu" for p in params):
        return None
    dtypes = {p.dtype for p in params}
    if len(dtypes) != 1 or not dtypes <= set(REAL_DTYPES):
        return None
    return AdamStep(optimizer, dtypes.pop())


def step_from_grads(adam: AdamStep) -> bool:
    """The step of every parameter of the group that has a gradient (as torch steps those only);
    False, nothing changed, where the step does not apply (a sparse gradient among them included)."""
    params = [p for p in adam.optimizer.param_groups[0]["params"] if p.grad is not None]
    if not params:
        return covers(adam.optimizer)  # torch's step does nothing then
    grads = [p.grad for p in params if p.grad is not None]
    if any(g.is_sparse for g in grads):
        return False
    return adam.step(params, grads)
