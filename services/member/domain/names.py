"""Pinyin initials of a name, for quick search (张三 → zs)."""
import unicodedata

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's usual one.
SURNAME_INITIALS = {"单": "s", "曾": "z", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "盖": "g",
                    "覃": "q", "缪": "m", "翟": "z", "乐": "y", "尉": "y", "隗": "w", "秘": "b", "长": "c"}


def initials(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return ""
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    if text[0] in SURNAME_INITIALS:
        letters[0] = SURNAME_INITIALS[text[0]]
    return "".join(ch for ch in "".join(letters).lower() if ch.isascii() and ch.isalnum())
