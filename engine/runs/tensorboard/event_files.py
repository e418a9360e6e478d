"""One TensorBoard event file read as it grows, through the tensorboard package's own record
reader (RawEventFileLoader: it keeps its place, and a record not yet whole is read again on the
next call) and its Event proto. Scalars come out as (tag, step, value), whether written as
simple_value (SummaryWriter, tensorboardX, Lightning) or as a one-value tensor (tf.summary).

The reader stops quietly at a torn or damaged record; `stopped` says which it was (the caller
knows whether the file is still being written): a truncated last record (a writer killed mid-write), a damaged record (a CRC
mismatch: what follows it is never read), or a file that is not an event file at all."""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path
from typing import Any

from engine.errors import InputError

EVENT_NAME = "tfevents"  # TensorBoard's own rule: an event file's name holds it
FRAME = 16  # each record: length (8 bytes), its CRC (4), the data, the data's CRC (4)
HPARAMS_TAG = "_hparams_/session_start_info"
INSTALL = "reading TensorBoard logs needs the tensorboard package (pip install 'nntui[tensorboard]')"


def is_event_file(name: str) -> bool:
    return EVENT_NAME in name


def _loader(path: Path) -> Any:
    try:
        from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    except ImportError:
        raise InputError(INSTALL) from None
    from engine.runs.tensorboard.fast_crc import use_fast_crc

    use_fast_crc()
    return RawEventFileLoader(str(path))


class EventFileTail:
    """The reading side of one event file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.records = 0  # whole records read so far
        self.offset = 0  # bytes of them
        self.hparams: dict[str, Any] = {}
        self.problem: str | None = None  # the file cannot be read at all, or a record is no Event
        self.stopped: str | None = None  # why reading stopped before the end (normal while it is written)
        self._loader: Any = None
        self._size = -1  # the size at the last read, to tell a still-growing file from a stopped one

    def read(self) -> list[tuple[str, int, float]]:
        """The scalars written since the last read, in file order."""
        try:
            info = os.stat(self.path)
        except OSError as err:
            self.problem = f"{self.path}: cannot be read ({err.strerror or err})"
            return []
        if not stat.S_ISREG(info.st_mode):
            self.problem = f"{self.path}: not a regular file (a pipe or device is not an event file)"
            return []
        grew, self._size = info.st_size != self._size, info.st_size
        if not grew:  # nothing new (a damaged record stays damaged)
            return []
        if self._loader is None:
            self._loader = _loader(self.path)
        from tensorboard.compat.proto.event_pb2 import Event

        found: list[tuple[str, int, float]] = []
        for raw in self._loader.Load():
            self.records += 1
            self.offset += len(raw) + FRAME
            try:
                event = Event.FromString(raw)
            except Exception:  # a record whose CRC matched but is no Event (not written by TensorBoard)
                self.problem = f"{self.path}: record {self.records} is not a TensorBoard event"
                continue
            if event.HasField("summary"):
                self._values(event, found)
        self.stopped = self._stopped_at(info.st_size) if self.offset < info.st_size else None
        return found

    def _values(self, event: Any, found: list[tuple[str, int, float]]) -> None:
        step = int(event.step)
        for value in event.summary.value:
            kind = value.WhichOneof("value")
            if kind == "simple_value":
                found.append((value.tag, step, value.simple_value))
            elif kind == "tensor":
                if value.metadata.plugin_data.plugin_name == "hparams":
                    if value.tag == HPARAMS_TAG:
                        self._hparams(value.metadata.plugin_data.content)
                    continue
                number = _scalar(value.tensor)
                if number is not None:
                    found.append((value.tag, step, number))
            elif kind is None and value.metadata.plugin_data.plugin_name == "hparams" and value.tag == HPARAMS_TAG:
                self._hparams(value.metadata.plugin_data.content)

    def _hparams(self, content: bytes) -> None:
        from tensorboard.plugins.hparams import plugin_data_pb2

        try:
            start = plugin_data_pb2.HParamsPluginData.FromString(content).session_start_info
        except Exception:
            return
        for name, value in start.hparams.items():
            kind = value.WhichOneof("kind")
            self.hparams[name] = getattr(value, kind) if kind and kind != "null_value" else None

    def _stopped_at(self, size: int) -> str:
        """What stopped the reader before the end of the file, in words."""
        if self.records == 0:
            return f"{self.path}: not a TensorBoard event file (no record could be read)"
        left = size - self.offset
        if not self._frame_fits(size):
            return f"{self.path}: skipped a truncated last record ({left} bytes) after {self.records} records"
        return (f"{self.path}: damaged record (CRC mismatch) after {self.records} records; "
                f"the {left} bytes after it are not read")

    def _frame_fits(self, size: int) -> bool:
        """Whether the record starting where the reader stopped would end inside the file."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                header = handle.read(8)
        except OSError:
            return False
        if len(header) < 8:
            return False
        return self.offset + FRAME + struct.unpack("<Q", header)[0] <= size


def _scalar(tensor: Any) -> float | None:
    """The number in a one-value tensor proto, or None for any other tensor."""
    if tensor.tensor_shape.dim and any(d.size != 1 for d in tensor.tensor_shape.dim):
        return None
    for field in ("float_val", "double_val", "int_val", "int64_val"):
        values = getattr(tensor, field)
        if len(values) == 1:
            return float(values[0])
    if tensor.tensor_content:
        from tensorboard.util import tensor_util

        try:
            array = tensor_util.make_ndarray(tensor)
        except Exception:
            return None
        return float(array.reshape(-1)[0]) if array.size == 1 and array.dtype.kind in "fiu" else None
    return None
