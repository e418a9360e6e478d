"""The data: synthetic sets drawn as the tutorial draws them (and the input features of the 2-D
ones), CSV tables, image sets (shapes, MNIST, folders), and the preprocessing that `predict`
repeats. Imports `engine.config` and the base modules; never the models, the loop, runs or export.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.data.csv_rows import TargetFacts, target_facts
    from engine.data.csv_table import load_table
    from engine.data.features import FEATURES, computed_features, feature_columns, input_width
    from engine.data.image_tensors import ImageTensors
    from engine.data.images import ImageData, load_images
    from engine.data.picture_file import load_picture
    from engine.data.preprocess import ImageSpec, Preprocess, TableSchema
    from engine.data.preprocess_file import load_preprocess, save_preprocess
    from engine.data.shapes import ShapesDataset
    from engine.data.synthetic import draw
    from engine.data.user_set import load_user_sets
    from engine.data.user_stream import StreamedSets

__all__ = [
    "TargetFacts", "target_facts", "load_table", "FEATURES", "computed_features", "feature_columns",
    "input_width", "ImageTensors", "ImageData", "load_images", "load_picture", "ImageSpec", "Preprocess",
    "TableSchema", "load_preprocess", "save_preprocess", "ShapesDataset", "draw", "load_user_sets",
    "StreamedSets",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
