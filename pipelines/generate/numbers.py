"""Identifier formats: USCCs, certificate, registration and patent application numbers.

Uniqueness comes from construction, not from a set of everything issued so far: a unit
gets its own block of a code space and a fixed affine bijection scatters the block so the
codes do not look sequential. That keeps nation-scale generation free of a 50-million
entry set and makes a unit's codes independent of the other units.
"""

from __future__ import annotations

import numpy as np

from pipelines.contract.uscc import USCC_CHARSET, make_uscc

# Affine bijections x -> (a*x + b) mod m need gcd(a, m) == 1.
_ORG_DIGITS_SPACE = 10**8
_ORG_DIGITS_MUL, _ORG_DIGITS_ADD = 48_271_317, 9_371_113
_ORG_NEW_SPACE = 31**6
_ORG_NEW_MUL, _ORG_NEW_ADD = 16_807_403, 123_456_789 % 31**6
_PER_UNIT = 80_000  # enterprises per unit at most (nation scale uses ~5k)

_PATENT_SPACE = 10**7
_PATENT_MUL, _PATENT_ADD = 7_919_953, 1_234_567
_PATENT_WEIGHTS = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5], dtype=np.int64)


def _base31(x: int, width: int) -> str:
    out = []
    for _ in range(width):
        x, r = divmod(x, 31)
        out.append(USCC_CHARSET[r])
    return "".join(reversed(out))


def usccs(
    unit_index: int,
    register_codes: list[str],
    founded: np.ndarray,
    rng: np.random.Generator,
) -> list[str]:
    """One USCC per enterprise: region part = where it registered, organisation code
    old-style (8 digits) before 2015 and `MA…` after, like the codes issued since the
    2015 reform."""
    n = len(register_codes)
    if n > _PER_UNIT:
        raise ValueError(f"unit {unit_index} has {n} enterprises, more than {_PER_UNIT}")
    seq = unit_index * _PER_UNIT + np.arange(n, dtype=np.int64)
    old = (seq * _ORG_DIGITS_MUL + _ORG_DIGITS_ADD) % _ORG_DIGITS_SPACE
    new = (seq * _ORG_NEW_MUL + _ORG_NEW_ADD) % _ORG_NEW_SPACE
    types = np.where(rng.random(n) < 0.99, "1", "2")
    out: list[str] = []
    for i in range(n):
        if founded[i] >= 2015:
            body = "MA" + _base31(int(new[i]), 6)
        else:
            body = f"{int(old[i]):08d}"
        out.append(make_uscc(register_codes[i], body, entity_type=str(types[i])))
    return out


def patent_check_chars(digits12: np.ndarray) -> np.ndarray:
    """CNIPA check character for rows of 12 digits (weights 2..9,2..5, mod 11, 10 -> X)."""
    r = (digits12.astype(np.int64) * _PATENT_WEIGHTS).sum(axis=1) % 11
    chars = np.array(list("0123456789X"), dtype=object)
    return chars[r]


def patent_check_char(number12: str) -> str:
    digits = np.array([[int(c) for c in number12]], dtype=np.int64)
    return str(patent_check_chars(digits)[0])


def application_numbers(
    years: np.ndarray, type_digits: np.ndarray, unit_index: int, n_units: int
) -> np.ndarray:
    """`YYYYT NNNNNNN.C` numbers, unique across the drop for each (year, type)."""
    n = len(years)
    block = _PATENT_SPACE // max(n_units, 1)
    order = np.lexsort((type_digits, years))
    local = np.empty(n, dtype=np.int64)
    ys, ts = years[order], type_digits[order]
    # Position of each row within its (year, type) group.
    new_group = np.ones(n, dtype=bool)
    if n:
        new_group[1:] = (ys[1:] != ys[:-1]) | (ts[1:] != ts[:-1])
    starts = np.flatnonzero(new_group)
    group_id = np.cumsum(new_group) - 1
    pos = np.arange(n) - starts[group_id]
    if n and pos.max() >= block:
        raise ValueError(f"unit {unit_index}: more than {block} patents of one type in a year")
    local[order] = pos
    serial = ((unit_index * block + local) * _PATENT_MUL + _PATENT_ADD) % _PATENT_SPACE
    twelve = years.astype(np.int64) * 10**8 + type_digits.astype(np.int64) * 10**7 + serial
    digits = (twelve[:, None] // (10 ** np.arange(11, -1, -1, dtype=np.int64))) % 10
    checks = patent_check_chars(digits)
    return np.array([f"{t}.{c}" for t, c in zip(twelve, checks, strict=True)], dtype=object)


def is_valid_application_no(s: str) -> bool:
    if len(s) != 14 or s[12] != "." or not s[:12].isdigit():
        return False
    return patent_check_char(s[:12]) == s[13]


class CertificateCounter:
    """Certificate serials run per (year, province), as the provincial offices issue them."""

    def __init__(self) -> None:
        self._next: dict[tuple[int, str], int] = {}

    def number(self, year: int, province2: str) -> str:
        key = (year, province2)
        serial = self._next.get(key, int(year) % 7 * 37 + 1)
        self._next[key] = serial + 1
        width = 5 if province2 in ("36", "50") and serial < 10**5 else 6
        return f"GR{year}{province2}{serial:0{width}d}"


def registration_number(year: int, region6: str, serial: int, letter: str = "A") -> str:
    """科技型中小企业入库登记编号: year + region + batch letter + 7-digit serial."""
    return f"{year}{region6}{letter}{serial:07d}"
