"""Pinyin of a name: its initials, for quick search (张三 → zs), and its sort key, so lists,
queries and exports follow the order a Chinese reader expects (by pinyin, polyphonic surnames
read as surnames: 单 shan, 曾 zeng) rather than code-point order."""
import unicodedata
from functools import lru_cache


def _pinyin():
    """pypinyin, imported when a name is first spelled: its dictionaries take ~0.5 s to load, which
    every process importing the member contract paid — each spreadsheet upload's reader among them."""
    import pypinyin

    return pypinyin


# Surnames whose reading differs from the character's usual one.
SURNAME_INITIALS = {"单": "s", "曾": "z", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "盖": "g",
                    "覃": "q", "缪": "m", "翟": "z", "乐": "y", "尉": "y", "隗": "w", "秘": "b", "长": "c"}


# The surname reading with its tone (TONE3): the sort key of 单 is shan4, not dan1.
SURNAME_PINYIN = {"单": "shan4", "曾": "zeng1", "解": "xie4", "仇": "qiu2", "区": "ou1", "查": "zha1", "朴": "piao2",
                  "盖": "ge3", "覃": "qin2", "缪": "miao4", "翟": "zhai2", "乐": "yue4", "尉": "yu4", "隗": "wei3",
                  "秘": "bi4", "长": "chang2"}
assert set(SURNAME_PINYIN) == set(SURNAME_INITIALS)


def sort_key(name: str) -> str:
    """The name's syllables with their tones, joined, then a space and the name: 张三 →
    "zhang1san1 张三". Compared byte by byte (COLLATE "C"), a tone digit ends each syllable and
    sorts before any letter, so 安 an1 comes before 昂 ang2, and the space before any of them,
    so 张 comes before 张三; the same pinyin and tones fall back to the name itself, which keeps
    each name's people together and makes the key a total order with the id. Characters without
    pinyin (letters, digits) stand as themselves, lower-cased."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return ""
    spelled = "".join([SURNAME_PINYIN.get(text[0]) or _syllable(text[0])] + [_syllable(ch) for ch in text[1:]])
    return f"{spelled} {text}"


@lru_cache(maxsize=30_000)
def _syllable(char: str) -> str:
    pypinyin = _pinyin()
    spelled = "".join(pypinyin.lazy_pinyin(char, style=pypinyin.Style.TONE3, neutral_tone_with_five=True,
                                           errors=lambda chars: list(chars)))
    return "".join(ch for ch in spelled.lower() if ch.isascii() and ch.isalnum()) or char


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
    pypinyin = _pinyin()
    letter = "".join(pypinyin.lazy_pinyin(char, style=pypinyin.Style.FIRST_LETTER,
                                          errors=lambda chars: list(chars))).lower()
    return "".join(ch for ch in letter if ch.isascii() and ch.isalnum())
