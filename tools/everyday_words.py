"""Write generator/site/search_everyday.yaml: how common each folded word is in everyday Vietnamese.

The search (docs/search.md, "Querying and ranking") weighs a query word by its rarity among the
procedure names, and lowers a word that is common in everyday speech but rare in the names ("ông",
"quê", "vợ"). Nothing in the catalog tells such a word from one that names a procedure; this file
does, from a general source of Vietnamese usage:

    source   wordfreq 3.1.1 (https://github.com/rspeer/wordfreq), language "vi", its top_n_list
    licence  the word frequencies are CC BY-SA 4.0 (wordfreq's data; its code is Apache 2.0), so the
             derived file is CC BY-SA 4.0 too, and says so in its header

Each word of wordfreq's list is folded as the search folds (generator.site.search.fold: no
diacritics, đ → d), the frequencies of the words that fold alike are added ("bởi" and "bồi" are both
"boi"), and the folded words of at least MIN_ZIPF (10 a million words) are kept, letters only (and
single digits), grouped by their Zipf figure in tenths (log10 of the frequency per billion words).
wordfreq is not needed to build the site: `pip install -e '.[everyday]'`, then

    python tools/everyday_words.py [--check]

(--check compares with the committed file instead of writing it; tests/test_search.py does so where
wordfreq is installed).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.site.search import EVERYDAY, fold  # noqa: E402

VERSION = "3.1.1"
MIN_ZIPF = 4.0
_WORD = re.compile(r"[a-z]+|[0-9]")

HEADER = f"""\
# How common each folded word is in everyday Vietnamese, for the search's word weights
# (docs/search.md, "Querying and ranking"; read by generator/site/search.py into search/procedures.json,
# used by site_content/assets/search.js). Do not edit: written by tools/everyday_words.py.
#
# Source: wordfreq {VERSION} (https://github.com/rspeer/wordfreq), language "vi" (top_n_list), by
# Robyn Speer and contributors. Licence: the word frequencies are CC BY-SA 4.0
# (https://creativecommons.org/licenses/by-sa/4.0/), and so is this file, derived from them: each word
# folded as the search folds (no diacritics, đ → d), the frequencies of the words that fold alike
# added, the folded words of Zipf {MIN_ZIPF} or more kept (at least 10 a million words; letters only,
# and single digits).
#
# zipf: the Zipf figure × 10 (log10 of the frequency per billion words, in tenths) → its words.
"""


def derive() -> dict[int, list[str]]:
    try:
        import wordfreq  # the optional extra "everyday" (in the test extra too)
    except ImportError:
        print("everyday_words.py: wordfreq is not installed: pip install -e '.[everyday]'", file=sys.stderr)
        raise SystemExit(2) from None

    if version("wordfreq") != VERSION:
        raise SystemExit(f"wordfreq {VERSION} expected, {version('wordfreq')} installed")
    shares: dict[str, float] = defaultdict(float)
    for word in wordfreq.top_n_list("vi", 1_000_000):
        folded = fold(word)
        if _WORD.fullmatch(folded):
            shares[folded] += wordfreq.word_frequency(word, "vi")
    classes: dict[int, list[str]] = defaultdict(list)
    for word, share in shares.items():
        zipf = round(math.log10(share * 1e9), 1)
        if zipf >= MIN_ZIPF:
            classes[round(zipf * 10)].append(word)
    return {k: sorted(classes[k]) for k in sorted(classes, reverse=True)}


def render(classes: dict[int, list[str]]) -> str:
    lines = [HEADER, "zipf:"]
    lines += [f"  {k}: {' '.join(words)}" for k, words in classes.items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    text = render(derive())
    target = Path(str(EVERYDAY))
    if args.check:
        if target.read_text(encoding="utf-8") != text:
            print(f"{target}: differs from what wordfreq {VERSION} gives", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
