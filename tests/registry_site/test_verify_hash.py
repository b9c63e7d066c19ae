"""The hash that splits the verify data into shards is FNV-1a (32 bits) of the key's UTF-8
bytes, as static/verify.js computes it: the Python side cuts the value to 32 bits only now
and then, which must give the same numbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from socialreg.registry_site.verify_data import fnv1a


def _byte_by_byte(text: str) -> int:
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def test_known_values() -> None:
    # The FNV-1a test vectors of draft-eastlake-fnv.
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert fnv1a("foobar") == 0xBF9CF968


@given(st.text(max_size=300))
def test_the_same_as_cutting_at_every_byte(text: str) -> None:
    assert fnv1a(text) == _byte_by_byte(text)


def test_long_keys() -> None:
    for length in (31, 32, 33, 64, 65, 1000):
        text = "é" * length + "x"
        assert fnv1a(text) == _byte_by_byte(text)
