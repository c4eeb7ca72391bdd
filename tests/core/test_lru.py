"""The serving process's bounded caches: least recently used out first, safe across threads."""

from __future__ import annotations

import threading

from tidings.core.lru import Lru


def test_the_least_recently_used_goes_first() -> None:
    lru: Lru[str, int] = Lru(3)
    lru.put_many([("a", 1), ("b", 2), ("c", 3)])
    assert lru.get("a") == 1  # a is now the most recent: b is the oldest
    lru.put("d", 4)
    assert lru.get("b") is None and len(lru) == 3
    assert lru.get_many(["a", "b", "c", "d"]) == {"a": 1, "c": 3, "d": 4}
    lru.put("a", 10)  # replaced, not added
    assert len(lru) == 3 and lru.get("a") == 10


def test_get_many_refreshes_what_it_finds() -> None:
    lru: Lru[int, int] = Lru(2)
    lru.put_many([(1, 1), (2, 2)])
    lru.get_many([1])
    lru.put(3, 3)
    assert lru.get(1) == 1 and lru.get(2) is None


def test_threads_never_push_it_past_its_size() -> None:
    lru: Lru[int, int] = Lru(100)

    def work(base: int) -> None:
        for i in range(2000):
            lru.put(base + i, i)
            lru.get_many(range(base + i - 50, base + i))

    threads = [threading.Thread(target=work, args=(k * 10_000,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = lru.get_many(range(40_000))
    assert len(lru) == 100 and len(kept) == 100
    assert all(value == key % 10_000 for key, value in kept.items())  # each with its own value
