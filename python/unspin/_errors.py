"""The exceptions unspin raises. The compiled module raises them with the Rust message."""

from __future__ import annotations

__all__ = ["UnspinError", "InputError", "ModelError"]


class UnspinError(Exception):
    """Base class of unspin's errors; raised as such when the analysis fails on a document."""


class InputError(UnspinError, ValueError):
    """The article cannot be read: empty, binary, not valid Unicode, an HTML page without
    article text, too large (over 50 MB), or a URL that cannot be fetched (404, robots.txt,
    timeout, ...). The message names the input and the reason."""


class ModelError(UnspinError):
    """A model cannot load, or what was asked for cannot run here (``precision="int8"`` on a
    CPU without int8 kernels: no AVX2, or ARM without the dot product; unless
    ``allow_fallback=True``)."""
