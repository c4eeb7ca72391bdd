"""A reader profile stored as bytes (for every serving process and restart) comes back equal,
and bytes of another format or damaged ones are refused with a clear error."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from rankkit import NOW, direction, sig

from tidings.core import Event, EventKind
from tidings.rank import CandidateIndex, build_profile
from tidings.rank.profile import (
    PROFILE_FORMAT,
    ProfileFormatError,
    ReaderProfile,
    decode_profile,
    encode_profile,
)


def _profile() -> ReaderProfile:
    arts = [
        sig(
            i,
            source=i % 3,
            entities=(("Wang Yi", 0.9), (f"Person {i}", 0.5)),
            topics=(("Afghanistan", "tag", 1.0),),
            vec=direction(i % 2, 0.05, seed=i),
        )
        for i in range(1, 30)
    ]
    index = CandidateIndex(arts)
    events = [
        Event(1, i, EventKind.READ, dwell_s=40 + i, at=NOW - timedelta(hours=i))
        for i in range(1, 25)
    ]
    events += [
        Event(1, 25, EventKind.SAVE, at=NOW),
        Event(1, 26, EventKind.HIDE, at=NOW),
        Event(1, 27, EventKind.FEWER_LIKE_THIS, at=NOW),
        Event(1, 28, EventKind.CLICK, at=NOW),
    ]
    return build_profile(events, [index], NOW)


def _same(a: ReaderProfile, b: ReaderProfile) -> None:
    assert a.interests.dtype == b.interests.dtype == np.float32
    assert np.array_equal(a.interests, b.interests)
    assert np.array_equal(a.interest_weights, b.interest_weights)
    assert dict(a.entity_affinity) == dict(b.entity_affinity)
    assert dict(a.topic_affinity) == dict(b.topic_affinity)
    assert dict(a.source_affinity) == dict(b.source_affinity)
    for name in ("opened", "read", "hidden", "fewer", "saved"):
        assert getattr(a, name) == getattr(b, name), name
    assert a.positive_weight == b.positive_weight


def test_a_stored_profile_comes_back_equal() -> None:
    profile = _profile()
    assert len(profile.interests) >= 1 and profile.entity_affinity and profile.fewer
    back, disliked = decode_profile(encode_profile(profile, frozenset({"afghanistan", "taliban"})))
    _same(profile, back)
    assert disliked == {"afghanistan", "taliban"}
    assert all(isinstance(k, int) for k in back.source_affinity)


def test_an_empty_profile_comes_back_empty_and_cold() -> None:
    back, disliked = decode_profile(encode_profile(ReaderProfile()))
    _same(ReaderProfile(), back)
    assert back.cold and back.interests.shape == (0, 384) and disliked == frozenset()


def test_other_formats_and_damaged_bytes_are_refused() -> None:
    data = encode_profile(_profile())
    other = data[:4] + bytes([PROFILE_FORMAT + 1]) + data[5:]
    with pytest.raises(ProfileFormatError, match="format"):
        decode_profile(other)
    damaged = (
        b"",
        b"TDPF",
        data[:-3],
        data + b"x",
        b"XXXX" + data[4:],
        data[:20] + b"{" + data[21:],
    )
    for broken in damaged:
        with pytest.raises(ProfileFormatError):
            decode_profile(broken)
