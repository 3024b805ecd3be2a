"""scamgeo.io._hashing: 64-bit hashes of short Arrow text, and the id check built on them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from scamgeo.io import _checks, _hashing
from scamgeo.io._checks import all_distinct

#: Cells of every length around the 8-byte words, multi-byte text, NUL bytes and spaces.
CELLS = [
    "", "a", "A", "a ", " a", "abcdefg", "abcdefgh", "abcdefghi", "abcdefgh\x00", "é", "e\u0301",
    "THA12345", "THA12346", "KHM12345", "x" * 16, "x" * 17, "y" * 63, "y" * 64, "ท่าเรือ",
]  # fmt: skip


def _hash_map(values: list[str | None], array: pa.Array | pa.ChunkedArray) -> dict[str, int]:
    hashes = _hashing.text_hashes(array)
    assert hashes is not None
    filled = [v for v in values if v is not None]
    assert len(hashes) == len(filled)
    seen: dict[str, int] = {}
    for value, h in zip(filled, hashes, strict=True):
        assert seen.setdefault(value, int(h)) == int(h), f"{value!r} hashed two ways"
    return seen


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_equal_cells_hash_equal_and_these_distinct_cells_do_not(kind: pa.DataType) -> None:
    values = CELLS + [None] + CELLS[::-1]
    seen = _hash_map(values, pa.array(values, kind))
    assert len(set(seen.values())) == len(CELLS)  # no two of these distinct cells collide


def test_slices_and_chunks_hash_as_the_whole_array() -> None:
    rng = np.random.default_rng(27)
    values = [None if rng.random() < 0.1 else str(rng.choice(CELLS)) for _ in range(500)]
    whole = _hash_map(values, pa.array(values))
    sliced = pa.array(values).slice(100, 250)  # offsets that do not start at 0
    assert _hash_map(values[100:350], sliced).items() <= whole.items()
    chunked = pa.chunked_array([pa.array(values[:123]), pa.array(values[123:]).slice(0)])
    assert _hash_map(values, chunked) == whole


def test_cells_longer_than_the_limit_are_not_hashed() -> None:
    assert _hashing.text_hashes(pa.array(["a", "z" * (_hashing.MAX_BYTES + 1)])) is None
    assert _hashing.text_hashes(pa.array([None, None], pa.string())).tolist() == []


@pytest.mark.parametrize("n", [0, 1, 2, 1000])
def test_all_distinct_agrees_with_a_set(n: int) -> None:
    rng = np.random.default_rng(n)
    for repeat in (False, True):
        ids = [f"THA{i}" for i in rng.permutation(n)]
        if repeat and n > 1:
            ids[-1] = ids[0]
        cells = pd.Series([*ids, None, None], dtype="str")  # missing cells do not count
        assert all_distinct(cells) is (len(set(ids)) == len(ids))


def test_a_hash_collision_falls_back_to_the_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    """Equal hashes prove nothing: the cells themselves decide."""
    monkeypatch.setattr(_checks, "text_hashes", lambda values: np.zeros(len(values), np.uint64))
    assert all_distinct(pd.Series(["THA1", "THA2", "THA3"], dtype="str"))
    assert not all_distinct(pd.Series(["THA1", "THA2", "THA1"], dtype="str"))
