"""What the exported script reports about its model: class probabilities and the test evaluation
(as engine.models.task and Trainer.evaluate compute them, over the test tensors or, for images, the test
DataLoader), and the closing summary whose final training loss is the number the tests compare
with nntui's."""

from __future__ import annotations

from engine.export.plan import ScriptPlan


def evaluation(plan: ScriptPlan) -> str:
    """`class_probabilities` for classifiers and `evaluate` where there is a test set."""
    if plan.kind == "regression":
        if not plan.n_test:
            return ""
        return ("def evaluate(X, y):\n"
                '    """The loss of the model on (X, y), without training it."""\n'
                "    model.eval()  # evaluation mode\n"
                "    with torch.no_grad():  # no gradients needed\n"
                "        return criterion(model(X), y).item()")
    if not plan.n_test and not plan.boundary:
        return ""  # nothing would call class_probabilities
    labels = "y" if plan.config.train.loss == "cross_entropy" else "y.squeeze(1)"
    what = "one column per class" if plan.kind == "multiclass" else "P(class 0) and P(class 1)"
    blocks = ["def class_probabilities(outputs):\n"
              f'    """The model\'s outputs as class probabilities: {what}."""\n' + _probabilities(plan)]
    if plan.n_test and plan.image is not None:
        moves = ["            inputs, labels = inputs.to(device), labels.to(device)\n"] if plan.uses_device else []
        if plan.channels_last:
            moves.append("            inputs = inputs.contiguous(memory_format=memory_format)\n")
        blocks.append(_EVALUATE_LOADER.format(to_device="".join(moves)))
    elif plan.n_test:
        blocks.append("def evaluate(X, y):\n"
                      '    """Loss and accuracy of the model on (X, y), without training it."""\n'
                      "    model.eval()  # evaluation mode\n"
                      "    with torch.no_grad():  # no gradients needed\n"
                      "        outputs = model(X)\n"
                      "        loss = criterion(outputs, y).item()\n"
                      "        predicted = class_probabilities(outputs).argmax(dim=1)\n"
                      f"        accuracy = (predicted == {labels}).sum().item() / len(y)\n"
                      "    return loss, accuracy")
    return "\n\n\n".join(blocks)


_EVALUATE_LOADER = '''\
def evaluate(loader):
    """Loss and accuracy of the model over a DataLoader's batches, without training it."""
    model.eval()  # evaluation mode
    loss_sum, correct = 0.0, 0
    with torch.no_grad():  # no gradients needed
        for inputs, labels in loader:
{to_device}            outputs = model(inputs)
            # Each batch's mean loss, weighed by its size; summed on the device, read once
            loss_sum += criterion(outputs, labels) * len(inputs)
            predicted = class_probabilities(outputs).argmax(dim=1)
            correct += (predicted == labels).sum()
    n = len(loader.dataset)
    return loss_sum.item() / n, correct.item() / n'''


def _probabilities(plan: ScriptPlan) -> str:
    """The body of `class_probabilities`, as engine.models.task.Task.probabilities computes them."""
    loss, act = plan.config.train.loss, plan.config.model.output_activation
    if loss == "cross_entropy":
        keep = f"[:, :{plan.classes}]" if plan.outputs > plan.classes else ""
        if act == "softmax":
            return f"    return outputs{keep}  # already probabilities (Softmax)"
        return f"    return torch.softmax(outputs, dim=1){keep}"
    if loss == "bce_logits" and act == "none":
        p1 = "torch.sigmoid(outputs[:, 0])  # the output is a logit"
    elif act == "sigmoid":
        p1 = "outputs[:, 0]  # the Sigmoid's output"
    else:
        p1 = "outputs[:, 0].clamp(0.0, 1.0)  # the raw output, read as a probability"
    return f"    p1 = {p1}\n    return torch.stack([1 - p1, p1], dim=1)"


def summary(plan: ScriptPlan, loss_note: str = "nntui reports the same number") -> str:
    """The final training loss to the last digit (`loss_note` says why it is worth every digit), the
    test results, and the linear set's parameters."""
    lines = [f"# The final training loss, every digit of it ({loss_note})",
             'print(f"Final train loss: {train_loss!r}")']
    if plan.n_test and plan.kind == "regression":
        lines += ["", "# Evaluate on the test set", "test_loss = evaluate(X_test, y_test)",
                  'print(f"Test loss: {test_loss:.4f}")', "", *_fit_scores(plan)]
    elif plan.n_test:
        lines += ["", "# Evaluate on the test set", f"test_loss, test_accuracy = evaluate({plan.test_data})",
                  'print(f"Test loss: {test_loss:.4f}, Test accuracy: {test_accuracy:.2%}")']
    if plan.config.data.dataset == "linear" and not plan.config.model.hidden:
        lines += ["", "# The learned parameters, next to the true ones",
                  "weight = [round(w, 4) for w in model.linear.weight[0].tolist()]",
                  "bias = round(model.linear.bias.item(), 4)",
                  'print(f"Predicted weight: {weight}, true: {true_w.tolist()}")',
                  'print(f"Predicted bias: {bias}, true: {true_b}")']
    lines += ["", "# Save the trained weights: model.load_state_dict(torch.load(\"model.pt\")) brings them back",
              'torch.save(model.state_dict(), "model.pt")', 'print("Saved the model\'s weights to model.pt")']
    return "\n".join(lines)


def _fit_scores(plan: ScriptPlan) -> list[str]:
    """RMSE, MAE and R² on the test set, in the target's own unit, as nntui reports them."""
    table = plan.config.data.dataset == "csv" and plan.config.data.standardize_target  # trained standardised
    unit = " * target_std + target_mean" if table else ""
    return ["# The test errors in the target's own unit" + (" (the model predicts it standardised)" if table else ""),
            "with torch.no_grad():",
            f"    predicted = model(X_test)[:, 0].double(){unit}",
            f"    actual = y_test[:, 0].double(){unit}",
            "errors = predicted - actual",
            "rmse = errors.pow(2).mean().sqrt().item()",
            "mae = errors.abs().mean().item()",
            "spread = (actual - actual.mean()).pow(2).sum().item()  # R^2 is undefined for equal targets",
            'r2 = 1 - errors.pow(2).sum().item() / spread if spread else float("nan")',
            'print(f"Test RMSE: {rmse:.4f}  MAE: {mae:.4f}  R^2: {r2:.4f}")']
