"""统一社会信用代码 (USCC, GB 32100-2015) check digits.

Shared by the validation suites (is a code valid?) and the generator (make valid codes).

Layout of the 18 characters:
    1     registration authority (9 = market regulation, i.e. enterprises)
    2     entity type under that authority (1 = enterprise, 2 = individual business, ...)
    3-8   administrative division code of the registering authority (GB/T 2260)
    9-17  organisation code (GB 11714): 8 body characters + its own check character
    18    check character over characters 1-17
"""

from __future__ import annotations

# The USCC alphabet leaves out I, O, Z, S, V so that codes cannot be misread.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714 values letters A..Z as 10..35 (its own alphabet, not the USCC one).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 characters of a USCC."""
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}: {first17!r}")
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not in the USCC alphabet") from None
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: object) -> bool:
    """True for an 18-character code in the USCC alphabet, with digits in the division part
    (characters 3-8), whose check character matches.

    Lower-case input is not accepted: the standard prints codes in upper case, and a
    lower-case code in a source file is a data-quality problem worth reporting.
    """
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(c not in _USCC_VALUE for c in code):
        return False
    if not code[2:8].isdigit():  # 3-8: a GB/T 2260 division code (the alphabet is ASCII)
        return False
    return uscc_check_char(code[:17]) == code[17]


def _org_value(c: str) -> int:
    if c.isdigit():
        return int(c)
    if "A" <= c <= "Z":
        return ord(c) - ord("A") + 10
    raise ValueError(f"character {c!r} is not allowed in an organisation code")


def org_code_check_char(body8: str) -> str:
    """The 9th character of a GB 11714 organisation code for its first 8 characters."""
    if len(body8) != 8:
        raise ValueError(f"need 8 characters, got {len(body8)}: {body8!r}")
    c9 = 11 - sum(_org_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    if c9 == 11:
        return "0"
    if c9 == 10:
        return "X"
    return str(c9)


def make_uscc(region_code: str, org_body8: str, authority: str = "9", entity_type: str = "1") -> str:
    """A complete USCC from its parts (the two check characters are computed)."""
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError(f"region part of a USCC must be 6 digits: {region_code!r}")
    first17 = authority + entity_type + region_code + org_body8 + org_code_check_char(org_body8)
    return first17 + uscc_check_char(first17)
