"""Opening one picture file as the images sets and `predict` do: only a regular file (a pipe
named x.png must not hang a run), within a size, and with Pillow's decompression-bomb guard
turned into a one-line refusal naming the file instead of a traceback."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from engine.errors import DataError
from engine.files.reading import MIB, open_regular

PICTURE_LIMIT = 256 * MIB  # bytes of one image file


def load_picture(path: str | Path, mode: str) -> Image.Image:
    """The picture at `path`, decoded and converted to `mode` ("L" or "RGB"); DataError says why not."""
    name = str(path)
    try:
        with open_regular(name, "an image file", DataError, PICTURE_LIMIT) as handle, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(handle)
            return picture.convert(mode)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DataError(f"{name}: more than the {Image.MAX_IMAGE_PIXELS:,} pixels a picture may have "
                        "(a decompression bomb?)") from None
    except UnidentifiedImageError:
        raise DataError(f"{name}: not a readable image (unknown or damaged format)") from None
    except OSError as err:  # a truncated file fails while decoding
        raise DataError(f"{name}: not a readable image ({err})") from None


def load_rgb(path: str) -> Image.Image:
    """ImageFolder's loader: torchvision's pil_loader (RGB), guarded."""
    return load_picture(path, "RGB")
