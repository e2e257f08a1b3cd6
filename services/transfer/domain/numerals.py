"""Capital numerals (大写数字) for the letter: 党费交到 X年X月 and 有效期 X天 are written in them
(组通字〔2006〕45号). Years digit by digit (2026 → 贰零贰陆), months and day counts as numbers
(3 → 叁, 10 → 拾, 12 → 拾贰, 30 → 叁拾, 45 → 肆拾伍)."""
DIGITS = "零壹贰叁肆伍陆柒捌玖"


def capital_digits(number: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(number))


def capital_number(number: int) -> str:
    """1–999 as counted: 10 → 拾, 15 → 拾伍, 30 → 叁拾, 105 → 壹佰零伍."""
    if not 1 <= number <= 999:
        raise ValueError("只支持1到999")
    hundreds, tens, ones = number // 100, number // 10 % 10, number % 10
    text = ""
    if hundreds:
        text += DIGITS[hundreds] + "佰"
        if tens == 0 and ones:
            return text + "零" + DIGITS[ones]
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "拾"
    if ones:
        text += DIGITS[ones]
    return text


def capital_month(year_month: str) -> str:
    """"2026-03" → "贰零贰陆年叁月"."""
    year, month = year_month.split("-")
    return f"{capital_digits(int(year))}年{capital_number(int(month))}月"


def capital_days(days: int) -> str:
    return capital_number(days)
