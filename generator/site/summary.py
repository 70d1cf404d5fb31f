"""The answers a procedure page gives first: where to file, how long, how much, what you get.

Plain functions of a procedure's data and the site context; only what the data says (a desk
"anywhere in the province" only on a real, non-sample decision; the online button only where an
online channel exists; a time without a unit says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import entities as m
from . import labels

if TYPE_CHECKING:
    from .context import Independent

LEAD_LIMIT = 90  # names longer than this get a readable lead (their first clause) as the heading
# Where a first clause ends, strongest first; a comma only in very long names (a comma often joins the
# items of one list: "khai sinh, thường trú, thẻ bảo hiểm y tế", which a lead must not cut).
_BREAKS = (re.compile(r";\s|\s\(|\s[–-]\s|:\s"), re.compile(r",\s"))
COMMA_LIMIT = 150


@dataclass(frozen=True)
class Time:
    channel: str  # "Trực tiếp", … ; "" when every channel takes the same time
    text: str


def lead(name: str) -> str:
    """A long official name's first clause ('Thủ tục cấp …, trường hợp …' → 'Thủ tục cấp …'); the
    name itself when it is short or has no clause break that leaves a meaningful lead."""
    name = " ".join(str(name).split())
    if len(name) <= LEAD_LIMIT:
        return name
    for breaks in _BREAKS if len(name) > COMMA_LIMIT else _BREAKS[:1]:
        for match in breaks.finditer(name):
            if 30 <= match.start() <= LEAD_LIMIT + 30:
                return name[: match.start()].rstrip(" ,;:")
    return name


def has_online_channel(procedure: m.Procedure) -> bool:
    return any(c.channel == m.ChannelKind.ONLINE for c in procedure.channels)


def times(procedure: m.Procedure) -> list[Time]:
    """The processing time of each channel, one line when they are all the same."""
    shown = [
        (labels.CHANNELS.get(c.channel, ""), labels.duration(c.processing_time)) for c in procedure.channels
    ]
    if not shown:
        return [Time("", labels.NO_TIME)]
    if len({text for _, text in shown}) == 1:
        return [Time("", shown[0][1])]
    seen: dict[tuple[str, str], None] = {}
    for pair in shown:
        seen.setdefault(pair)
    return [Time(channel, text) for channel, text in seen]


def independent_fact(independent: Independent | None) -> bool:
    """A location-independent listing stated as fact: only from an approved list that is not sample
    data (a sample list is shown with its sample mark, never as a badge)."""
    return bool(independent and not independent.list.sample and not independent.preview)
