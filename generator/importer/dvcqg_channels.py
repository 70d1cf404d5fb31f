"""``cach_thuc_thuc_hien`` (how to submit) → ``channels``.

The portal flattened a table into one string: the header ``Hình thức nộpThời gianPhí, lệ phíMô tả``
then, per row, ``<channel><time><fees><description>`` glued together, e.g.
``Trực tuyến3 Ngày làm việc3,500,000 Việt Nam Đồng(/hồ sơ)Nộp qua Cổng…``. A row starts where a
channel name is directly followed by a letter or digit (``Trực tuyến3``, ``Trực tiếpKhông…``); a
channel name followed by a space or a colon is part of a description ("+ Trực tuyến: nộp hồ sơ…").
"""

from __future__ import annotations

import re
from typing import Any

from .text import NO_INFO, Note, clean_text, one_line

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
CHANNELS = {"Trực tiếp": "in_person", "Trực tuyến": "online", "Dịch vụ bưu chính": "postal"}
# The portal's unit words; "Không rõ đơn vị" is never on the portal (a bare number is), it is the
# vocabulary's name for the unit the importer stores then.
UNITS = {
    "Ngày làm việc": "working_days",
    "Ngày": "days",
    "Giờ": "hours",
    "Tháng": "months",
    "Không rõ đơn vị": "unknown",
}

_ROW_START = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\w)")
_TIME = re.compile(r"(\d+(?:[.,]\d+)?) ?(Ngày làm việc|Ngày|Giờ|Tháng)")
_BARE_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_CURRENCY = r"(?:Việt Nam Đồng|VNĐ|Đồng|USD)"
_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)? ?(" + _CURRENCY + r")")
_GLUED_TIME_FEE = re.compile(r"\d[\d,.]* ?" + _CURRENCY)
_FEE_START = re.compile(r"Miễn phí|" + re.escape(NO_INFO) + r"|\d[\d,]* ?" + _CURRENCY)
_MIN_VND = 1000  # no fee or charge is smaller than 1,000 đồng; smaller numbers are in thousands or garbled


def parse_channels(raw: str, pointer: str = "/channels") -> tuple[list[dict[str, Any]], list[Note]]:
    """Channels (in the order given) and notes about anything kept as text."""
    notes: list[Note] = []
    text = raw.replace("\xa0", " ")
    if text.startswith(HEADER):
        text = text[len(HEADER) :]
    elif text.strip() and text.strip() != NO_INFO:
        notes.append(Note(pointer, "channel-header-missing", "the table header is missing; read anyway"))
    starts = list(_ROW_START.finditer(text))
    lead = clean_text(text[: starts[0].start()] if starts else text)
    channels: list[dict[str, Any]] = []
    for k, match in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(text)
        row_pointer = f"{pointer}/{k}"
        channel = _parse_row(CHANNELS[match.group(1)], text[match.end() : end], row_pointer, notes)
        channels.append(channel)
    if lead and lead != NO_INFO:
        if channels:
            first = channels[0]
            first["description"] = f"{lead}\n{first['description']}" if "description" in first else lead
            notes.append(
                Note(
                    f"{pointer}/0/description",
                    "channel-text-before-rows",
                    f"text before the first row kept in the first channel's description: {lead[:80]!r}",
                )
            )
        else:
            notes.append(
                Note(
                    pointer,
                    "channel-unparsed",
                    f"no submission channel found; the text is not imported: {lead[:120]!r}",
                )
            )
    return channels, notes


def _parse_row(kind: str, row: str, pointer: str, notes: list[Note]) -> dict[str, Any]:
    channel: dict[str, Any] = {"channel": kind}
    glued = _GLUED_TIME_FEE.match(row)
    if glued and not _TIME.match(row):
        # "220 VNĐ(lệ phí 20.000 đồng/ tờ khai)": a time without unit glued to an amount.
        notes_, end = _parens(row, glued.end())
        split = _split_glued(glued.group(0), notes_)
        if split is not None:
            value, amount = split
            channel["processing_time"] = {"value": value, "unit": "unknown"}
            notes.append(
                Note(
                    f"{pointer}/processing_time",
                    "channel-time-fee-split",
                    f"time and fee glued together ({one_line(glued.group(0))!r}); the note states "
                    f"{amount:,} đồng, so the time is {value} (unit not given) and the fee {amount:,} đồng",
                )
            )
            first: dict[str, Any] = {"amount": amount}
        else:
            notes.append(
                Note(
                    f"{pointer}/fees/0",
                    "channel-time-fee-glued",
                    f"time and fee glued together ({one_line(glued.group(0))!r}); kept as fee text",
                )
            )
            first = {"text": one_line(glued.group(0))}
        if notes_:
            first["description"] = "; ".join(notes_)
        more, rest = _parse_fees(row[end:], pointer, notes, start=1)
        fees = [first, *more]
    else:
        time, rest = _parse_time(row, pointer, notes)
        if time is not None:
            channel["processing_time"] = time
        fees, rest = _parse_fees(rest, pointer, notes)
    if fees:
        channel["fees"] = fees
    description = clean_text(rest)
    if description and description != NO_INFO:
        channel["description"] = description
    return channel


def _number(text: str) -> int | float:
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value


def _parse_time(row: str, pointer: str, notes: list[Note]) -> tuple[dict[str, Any] | None, str]:
    match = _TIME.match(row)
    if match:
        value = _number(match.group(1))
        if value > 0:
            return {"value": value, "unit": UNITS[match.group(2)]}, row[match.end() :]
        notes.append(
            Note(f"{pointer}/processing_time", "channel-time-text", f"time {match.group(0)!r} kept as text")
        )
        return {"text": match.group(0)}, row[match.end() :]
    if row.startswith(NO_INFO):
        return None, row[len(NO_INFO) :]
    bare = _BARE_NUMBER.match(row)
    if bare:
        value = _number(bare.group(0))
        if value > 0:
            notes.append(
                Note(
                    f"{pointer}/processing_time",
                    "channel-time-no-unit",
                    f"time {bare.group(0)!r} has no unit in the record; stored with unit unknown",
                )
            )
            return {"value": value, "unit": "unknown"}, row[bare.end() :]
        notes.append(
            Note(f"{pointer}/processing_time", "channel-time-text", f"time {bare.group(0)!r} kept as text")
        )
        return {"text": bare.group(0)}, row[bare.end() :]
    fee = _FEE_START.search(row)
    time_text = one_line(row[: fee.start()] if fee else row)
    rest = row[fee.start() :] if fee else ""
    if not time_text:
        return None, rest
    notes.append(
        Note(f"{pointer}/processing_time", "channel-time-text", f"time kept as text: {time_text[:80]!r}")
    )
    return {"text": time_text}, rest


def _parens(text: str, pos: int) -> tuple[list[str], int]:
    """Balanced ``(…)`` groups starting at ``pos``: their contents and the position after them."""
    contents: list[str] = []
    while pos < len(text) and text[pos] == "(":
        depth = 0
        for end in range(pos, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        else:
            break  # unbalanced: leave it to the description
        contents.append(_unwrap(text[pos + 1 : end]))
        pos = end + 1
    return [c for c in (clean_text(c) for c in contents) if c], pos


def _unwrap(text: str) -> str:
    """``(x)`` → ``x`` while the whole text is one balanced group."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and i < len(text) - 1:
                return text
        text = text[1:-1].strip()
    return text


def _parse_fees(
    text: str, pointer: str, notes: list[Note], start: int = 0
) -> tuple[list[dict[str, Any]], str]:
    fees: list[dict[str, Any]] = []
    pos = 0
    if text.startswith(NO_INFO) and not start:
        return fees, text[len(NO_INFO) :]
    while pos < len(text):
        fee_pointer = f"{pointer}/fees/{start + len(fees)}"
        if text.startswith("Miễn phí", pos):
            notes_, pos = _parens(text, pos + len("Miễn phí"))
            description = " ".join(["Miễn phí", *(f"({n})" for n in notes_)])
            stated = note_amounts(" ".join(notes_))
            if stated:
                notes.append(
                    Note(
                        fee_pointer,
                        "channel-fee-from-note",
                        f"the fee column says 'Miễn phí' but its note states {stated[0]:,} đồng; "
                        f"the amount is taken from the note",
                    )
                )
                fees.append({"amount": stated[0], "description": description})
            else:
                fees.append({"amount": 0, "description": description})
            continue
        match = _AMOUNT.match(text, pos)
        if not match:
            break
        notes_, pos = _parens(text, match.end())
        fee = _amount_fee(match, fee_pointer, notes, " ".join(notes_))
        if notes_:
            fee["description"] = "; ".join(notes_)
        fees.append(fee)
    return fees, text[pos:]


_NOTE_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d{4,9})\s?(?:đồng|VNĐ|VND|đ)(?!\w)")


def note_amounts(note: str) -> list[int]:
    """The amounts in đồng a fee note states, in order ("135.000 đồng/lần" → 135000); amounts
    below 1,000 đồng are not fees."""
    amounts = [int(m.group(1).replace(".", "")) for m in _NOTE_AMOUNT.finditer(note)]
    return [a for a in amounts if a >= _MIN_VND]


def _split_glued(glued: str, notes: list[str]) -> tuple[int, int] | None:
    """(time, amount) for a time glued to a fee ("220 VNĐ") when the note states the amount: the
    digits end with the amount (or the amount in thousands, "20" for 20.000 đồng) and what is in
    front is the time. None when the note does not settle it."""
    digits = re.sub(r"\D", "", glued)
    for amount in note_amounts(" ".join(notes))[:1]:
        for written in (str(amount), str(amount // 1000) if amount % 1000 == 0 else ""):
            if written and digits.endswith(written) and len(digits) > len(written) and digits[0] != "0":
                return int(digits[: -len(written)]), amount
    return None


def _amount_fee(match: re.Match[str], pointer: str, notes: list[Note], note: str = "") -> dict[str, Any]:
    digits, currency = match.group(1), match.group(2)
    written = one_line(match.group(0))
    if digits is None:
        notes.append(Note(pointer, "channel-fee-no-amount", f"fee {written!r} has no amount; kept as text"))
        return {"text": written}
    amount = int(digits.replace(",", ""))
    if currency == "USD":
        notes.append(
            Note(pointer, "channel-fee-foreign-currency", f"fee {written!r} is not in đồng; kept as text")
        )
        return {"text": written}
    if 0 < amount < _MIN_VND and amount * 1000 in note_amounts(note)[:1]:
        notes.append(
            Note(
                pointer,
                "channel-fee-from-note",
                f"fee {written!r} is in thousands: its note states {amount * 1000:,} đồng, the amount taken",
            )
        )
        return {"amount": amount * 1000}
    if 0 < amount < _MIN_VND:
        notes.append(
            Note(
                pointer,
                "channel-fee-implausible-amount",
                f"fee {written!r} is below 1,000 đồng (likely in thousands); kept as text",
            )
        )
        return {"text": written}
    return {"amount": amount}
