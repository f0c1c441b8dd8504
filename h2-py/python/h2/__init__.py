"""h2: hyper-h2's API on the h2-sans-io Rust HTTP/2 stack (distribution ``h2-sans-io``).

The protocol work happens in Rust (``h2._native``, the h2-conn crate); these modules only
shape types the way hyper-h2 4.4 does, so code written for hyper-h2 runs unchanged.
"""
from __future__ import annotations

__version__ = "4.4.1"
