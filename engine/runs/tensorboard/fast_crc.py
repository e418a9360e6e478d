"""Without TensorFlow, the tensorboard package checks each record's CRC32C in pure Python: about
half the time a large event file takes to load. Where google-crc32c (a C library's binding, in the
tensorboard extra) is installed, the package's own checksum function is handed that one: the same
checksum, so the reader, its checks and what it refuses stay the tensorboard package's own."""

from __future__ import annotations

CHECK = b"123456789"  # CRC-32C's check input; both must give 0xE3069283


def use_fast_crc() -> bool:
    """Swap in the C checksum where it is installed and agrees; whether it is in use."""
    try:
        import google_crc32c
        from tensorboard.compat.tensorflow_stub import pywrap_tensorflow as stub
    except ImportError:
        return False
    fast = google_crc32c.value
    if getattr(stub, "crc32c", None) is fast:
        return True
    if google_crc32c.implementation != "c" or not hasattr(stub, "crc32c") or stub.crc32c(CHECK) != fast(CHECK):
        return False  # (the pure-Python fallback of google-crc32c is no faster; a changed stub is left alone)
    stub.crc32c = fast
    return True
