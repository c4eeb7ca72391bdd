"""Keeping a long-running server's memory near what it holds: the C allocator's arenas capped
and freed pages handed back. Both are glibc calls and do nothing elsewhere."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
from functools import cache

log = logging.getLogger(__name__)

_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim  # noqa: B018  (glibc only)
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def limit_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas. Each thread that allocates otherwise gets an arena of its
    own (up to 8 per core), and a server's thread pool, each thread building large arrays
    for a request, holds many times the memory it uses. True when the cap was set."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, arenas))


def release_memory() -> None:
    """Collect garbage and give the freed heap pages back to the operating system."""
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
