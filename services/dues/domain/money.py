"""Money is Decimal, exact to the fen; never a float. Amounts arrive as text (forms, API, Excel)
and are parsed here with Chinese refusals; results are rounded once, by the rule version's
rounding (rules.py), and shown with two decimals."""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999.99")  # no monthly pay, due or single payment is larger (absurd size)
_TEXT_MAX = 32  # characters: refused before any parsing
_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")

REQUIRED = "请填写金额"
NOT_A_NUMBER = "金额应为数字，如 1234.50"
NEGATIVE = "金额不能为负数"
TOO_PRECISE = "金额最多两位小数（精确到分）"
TOO_LARGE = f"金额过大（不能超过{MAX_AMOUNT}元）"
NOT_POSITIVE = "金额须大于0"


def amount(value, *, positive: bool = True) -> Decimal:
    """An amount of yuan from text ("1234.5", "1,234.50", "１２３４元"), an int or a Decimal;
    a float (an Excel cell) is read by its shortest decimal text. ValueError (Chinese) when
    empty, not a plain number, negative, finer than a fen, above MAX_AMOUNT, or 0 when
    `positive`. Returns the amount with two decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(REQUIRED)
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError(NOT_A_NUMBER)
    text = repr(value) if isinstance(value, float) else str(value)
    if len(text) > _TEXT_MAX:
        raise ValueError(TOO_LARGE if text.strip().lstrip("-").isdigit() else NOT_A_NUMBER)
    text = unicodedata.normalize("NFKC", text).strip().removesuffix("元").strip()
    negative = text.startswith("-")
    match = _NUMBER.fullmatch(text[1:] if negative else text)
    if not match:
        raise ValueError(NOT_A_NUMBER)
    decimals = (match.group(2) or "").rstrip("0")
    if negative and (int(match.group(1).replace(",", "")) or decimals):
        raise ValueError(NEGATIVE)
    if len(decimals) > 2:
        raise ValueError(TOO_PRECISE)
    result = Decimal(f"{match.group(1).replace(',', '')}.{decimals or '0'}").quantize(FEN)
    if result > MAX_AMOUNT:
        raise ValueError(TOO_LARGE)
    if positive and result == 0:
        raise ValueError(NOT_POSITIVE)
    return result


def round_to(value: Decimal, quantum: Decimal, mode: str = ROUND_HALF_UP) -> Decimal:
    """`value` rounded to `quantum` (0.01 = the fen), then shown to the fen."""
    return value.quantize(quantum, rounding=mode).quantize(FEN)


def shown(value: Decimal | None) -> str | None:
    """Two decimals, as the API shows amounts ("12.30")."""
    return None if value is None else str(value.quantize(FEN))


def percent(rate: Decimal) -> str:
    """A rate as a percentage: Decimal("0.015") → "1.5%"."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"
