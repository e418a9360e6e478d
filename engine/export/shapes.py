"""The offline shapes data set as source code, for `engine.export.images`: engine.data.shapes written out
for a reader, a drawing function and a `Dataset`, making the very numpy and Pillow calls of
ShapesDataset in the very order, so that an exported script draws nntui's pictures pixel for
pixel. The sizes, class names and noise come from engine.data.shapes; the drawing is spelled out
again here because the script cannot import it."""

from __future__ import annotations

from engine.data.shapes import PIXEL_NOISE, SHAPE_SIZE, ShapesDataset
from engine.export.text import string


def shapes_source() -> str:
    """Module-level source: the constants, `draw_shape` and the `Shapes` data set."""
    names = ", ".join(map(string, ShapesDataset.classes))
    return _SHAPES.format(size=SHAPE_SIZE, names=names, noise=PIXEL_NOISE)


_SHAPES = '''\
# The shapes data set, drawn as nntui draws it: outlines of four shapes on black
# {size}x{size} pictures, at random sizes, positions and shades from numpy's generator,
# with pixel noise on top
SIZE = {size}
SHAPES = [{names}]


def draw_shape(name, rng):
    """One outline: a half-size of 5 to 10 pixels, centred anywhere it fits."""
    image = Image.new("L", (SIZE, SIZE), 0)
    pen = ImageDraw.Draw(image)
    r = int(rng.integers(5, 11))
    cx, cy = (int(v) for v in rng.integers(r + 1, SIZE - r - 1, size=2))
    shade = int(rng.integers(160, 256))  # a light grey
    box = (cx - r, cy - r, cx + r, cy + r)
    if name == "circle":
        pen.ellipse(box, outline=shade, width=2)
    elif name == "square":
        pen.rectangle(box, outline=shade, width=2)
    elif name == "triangle":
        corners = [(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)]
        pen.polygon(corners, outline=shade, width=2)
    else:  # a cross
        pen.line((cx - r, cy, cx + r, cy), fill=shade, width=2)
        pen.line((cx, cy - r, cx, cy + r), fill=shade, width=2)
    return np.asarray(image, dtype=np.float64)


class Shapes(Dataset):
    """n pictures, the i-th of shape i % 4; the same seed draws the same pictures."""

    def __init__(self, n, seed, transform):
        rng = np.random.default_rng(seed)
        self.targets = [i % len(SHAPES) for i in range(n)]
        pictures = np.stack([draw_shape(SHAPES[t], rng) for t in self.targets])
        pictures = pictures + rng.normal(0.0, {noise!r}, pictures.shape)  # pixel noise
        self.pictures = np.clip(pictures, 0, 255).astype(np.uint8)
        self.transform = transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        # A grey PIL picture, as torchvision's data sets give them to their transforms
        picture = Image.fromarray(self.pictures[index])
        return self.transform(picture), self.targets[index]'''
