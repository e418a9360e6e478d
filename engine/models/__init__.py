"""The networks: the MLP and CNN builders, their sizes worked out without torch, the MLP step
and the CNN's gradients without autograd, the L1/L2 penalty, optimizers, and the task (what the
outputs mean: targets, probabilities, accuracy, the loss). Imports `engine.config`, `engine.data`
(its descriptions of the data) and the base modules; never the loop, runs or export.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.models.cnn import build_image_model
    from engine.models.layer_sizes import conv_shapes, output_units, parameter_count
    from engine.models.mlp import build_mlp
    from engine.models.mlp_step import MlpStep, mlp_step_for
    from engine.models.optim import make_optimizer, set_learning_rate
    from engine.models.regularization import Penalty, penalty_for
    from engine.models.task import Task, make_loss, task_for
    from engine.models.user_module import build_user_model

__all__ = [
    "build_image_model", "conv_shapes", "output_units", "parameter_count", "build_mlp", "MlpStep",
    "mlp_step_for", "make_optimizer", "set_learning_rate", "Penalty", "penalty_for", "Task", "make_loss",
    "task_for", "build_user_model",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
