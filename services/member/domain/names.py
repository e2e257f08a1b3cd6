"""Pinyin initials of a name, for quick search (张三 → zs)."""
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's usual one.
SURNAME_INITIALS = {"单": "s", "曾": "z", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "盖": "g",
                    "覃": "q", "缪": "m", "翟": "z", "乐": "y", "尉": "y", "隗": "w", "秘": "b", "长": "c"}


def initials(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return ""
    letters = [SURNAME_INITIALS.get(text[0]) or _initial(text[0])] + [_initial(ch) for ch in text[1:]]
    return "".join(letters)


@lru_cache(maxsize=30_000)
def _initial(char: str) -> str:
    """One character's initial (names are read character by character; caching makes an
    import of 100,000 names cheap)."""
    letter = "".join(lazy_pinyin(char, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))).lower()
    return "".join(ch for ch in letter if ch.isascii() and ch.isalnum())
