"""The synthetic data sets as source code, for `engine.export.script`: each function draws from torch's
global generator with the very calls, in the very order, of `engine.data.synthetic`, so that an
exported script sees nntui's numbers. Only the noise level and class count are filled in; the
training set is drawn before or after the model as in the tutorial, the test set last."""

from __future__ import annotations

from dataclasses import dataclass

from engine.config.schema import DataConfig
from engine.data.synthetic import GAUSSIANS, RADIUS, SEQUENTIAL_TARGETS, TRUE_BIAS, TRUE_WEIGHT
from engine.export.features import features_lines, input_features
from engine.export.plan import ScriptPlan


@dataclass(frozen=True)
class DataSource:
    """A data set's generator as a function definition, and what the script needs around it."""

    function: str  # the name the script calls, e.g. "make_circle"
    code: str  # module-level source: constants, then `def function(n):`
    needs_math: bool = False


def synthetic_blocks(plan: ScriptPlan, source: DataSource) -> tuple[list[str], list[str]]:
    """The data section's blocks that go before the model, and those after it."""
    samples = plan.config.data.samples
    training = (f"# Generate the training data: {samples} samples\n"
                f"X, y = {source.function}({samples})"
                + _class_indices(plan, "y") + features_lines(plan, "X", plan.boundary) + plan.to_device("X", "y"))
    test = ("# Hold out a test set, drawn last so that the training data and weights stay the same\n"
            f"X_test, y_test = {source.function}({plan.n_test})"
            + _class_indices(plan, "y_test") + features_lines(plan, "X_test", False)
            + plan.to_device("X_test", "y_test")) if plan.n_test else ""
    definitions = [block for block in (source.code.rstrip("\n"), input_features(plan)) if block]
    if plan.model_first:
        return definitions, [training, test]
    return [*definitions, training], [test]


def _class_indices(plan: ScriptPlan, name: str) -> str:
    """CrossEntropyLoss wants class indices where the binary sets give float columns."""
    if plan.config.train.loss != "cross_entropy" or plan.kind != "binary":
        return ""
    return f"\n{name} = {name}.squeeze(1).long()  # CrossEntropyLoss wants class indices"


def _jitter(name: str, noise: float) -> str:
    """The optional noise line of the sets that draw it only when asked."""
    if noise <= 0:
        return ""
    return (f"    # Jitter the points after labelling them, so that some cross the boundary\n"
            f"    {name} = {name} + torch.randn(n, 2) * {noise!r}\n")


def _weighted_noise(noise: float) -> str:
    """`* noise` for a draw that happens even at noise 0, so that the later draws stay the same."""
    return f" * {noise!r}" if noise > 0 else " * 0.0  # no noise, but drawn all the same"


def data_source(cfg: DataConfig) -> DataSource:
    """The generator of `cfg.dataset`, with `cfg`'s noise and classes written in."""
    noise, k = cfg.noise, cfg.classes
    if cfg.dataset == "linear":
        weights = ", ".join(repr(w) for w in TRUE_WEIGHT)
        noisy = f"torch.randn(n){_weighted_noise(noise)}"
        return DataSource("make_linear_data", f'''\
# The true parameters that the model should find
true_w = torch.tensor([{weights}])
true_b = {TRUE_BIAS!r}


def make_linear_data(n):
    """n points x ~ N(0, 1) in 2-D with targets y = x @ true_w + true_b + noise."""
    X = torch.randn(n, 2)
    Y = X @ true_w + true_b + {noisy}
    return X, Y.unsqueeze(1)
''')
    if cfg.dataset == "random":
        return DataSource("make_random_data", '''\
def make_random_data(n):
    """Random inputs and random targets, both N(0, 1): there is no pattern to find."""
    X = torch.randn(n, 2)
    Y = torch.randn(n, 1)
    return X, Y
''')
    if cfg.dataset == "sequential":
        pattern = ", ".join(repr(t) for t in SEQUENTIAL_TARGETS)
        return DataSource("make_sequential_data", f'''\
# The 0/1 targets of the tutorial's first network, repeated for longer data sets
pattern = torch.tensor([{pattern}])


def make_sequential_data(n):
    """n random inputs of 10 features each, with the fixed targets."""
    x = torch.randn(n, 10)
    y = pattern.repeat(n // len(pattern) + 1)[:n].unsqueeze(1)
    return x, y
''')
    if cfg.dataset == "circle":
        return DataSource("make_circle", f'''\
def make_circle(n):
    """n points from N(0, 1) in 2-D: class 1 inside the unit circle, class 0 outside."""
    data = torch.randn(n, 2)
    labels = (data[:, 0] ** 2 + data[:, 1] ** 2 < 1).float().unsqueeze(1)
{_jitter("data", noise)}    return data, labels
''')
    if cfg.dataset == "xor":
        return DataSource("make_xor", f'''\
def make_xor(n):
    """Points in [-1, 1]^2 off the axes: class 1 where x1 and x2 have the same sign."""
    u = torch.rand(n, 2)
    sign = torch.where(torch.rand(n, 2) < 0.5, -1.0, 1.0)
    points = sign * (0.1 + 0.9 * u)
    labels = (points[:, 0] * points[:, 1] > 0).float().unsqueeze(1)
{_jitter("points", noise)}    return points, labels
''')
    if cfg.dataset == "moons":
        return DataSource("make_moons", f'''\
def make_moons(n):
    """Two interleaving half circles, one per class, taking turns."""
    labels = (torch.arange(n) % 2).float()
    t = torch.rand(n) * math.pi
    upper = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], dim=1)
    points = torch.where(labels.unsqueeze(1) == 0, upper, lower)
    points = points - torch.tensor([0.5, 0.25])  # centre the pair on the origin
{_jitter("points", noise)}    return points, labels.unsqueeze(1)
''', needs_math=True)
    if cfg.dataset == "spiral":
        return DataSource("make_spiral", f'''\
def make_spiral(n, classes={k}):
    """Interleaved spiral arms, one class per arm, taking turns."""
    labels = torch.arange(n) % classes
    r = torch.rand(n)  # distance from the centre
    noise = torch.randn(n){_weighted_noise(noise)}
    theta = labels.float() * (2 * math.pi / classes) + r * 4.0 + noise
    points = torch.stack([r * torch.sin(theta), r * torch.cos(theta)], dim=1) * 2
    return points, labels
''', needs_math=True)
    if cfg.dataset == "blobs":
        return DataSource("make_blobs", f'''\
def make_blobs(n, classes={k}):
    """Gaussian clusters around a circle of radius 2.5, one per class, taking turns."""
    labels = torch.arange(n) % classes
    angles = labels.float() * (2 * math.pi / classes)
    centres = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1) * 2.5
    spread = torch.randn(n, 2){_weighted_noise(noise)}
    return centres + spread, labels
''', needs_math=True)
    if cfg.dataset in ("plane", "gauss"):
        return _playground_regression(cfg)
    raise ValueError(f"no source for data set {cfg.dataset!r}")


def _playground_regression(cfg: DataConfig) -> DataSource:
    """TensorFlow Playground's reg-plane and reg-gauss, as engine.data.synthetic draws them."""
    head = f'''\
# Points fill the square [-{RADIUS:g}, {RADIUS:g}]^2, as in TensorFlow Playground
radius = {RADIUS!r}
'''
    moved = f'''\
    points = torch.rand(n, 2) * (2 * radius) - radius
    # The target is read where noise moves the point (drawn even without noise)
    shift = (torch.rand(n, 2) * (2 * radius) - radius) * {cfg.noise!r}
    moved = points + shift
'''
    if cfg.dataset == "plane":
        return DataSource("make_plane", head + f'''

def make_plane(n):
    """n points with the target (x1 + x2) / 10: a tilted plane."""
{moved}    y = (moved[:, 0] + moved[:, 1]) / 10
    return points, y.unsqueeze(1)
''')
    centres = ", ".join(f"[{x!r}, {y!r}]" for x, y, _ in GAUSSIANS)
    signs = ", ".join(repr(sign) for _, _, sign in GAUSSIANS)
    return DataSource("make_gauss", head + f'''\
# Six bumps of radius 2, each lifting (+1) or sinking (-1) the target near its centre
centres = torch.tensor(
    [{centres}]
)
signs = torch.tensor([{signs}])


def make_gauss(n):
    """n points with the signed height of the tallest bump where each is read."""
{moved}    distance = (moved.unsqueeze(1) - centres).pow(2).sum(dim=2).sqrt()
    heights = signs * (1 - distance / 2).clamp(0, 1)
    tallest = heights.abs().argmax(dim=1, keepdim=True)  # the first of equals
    return points, heights.gather(1, tallest)
''')
