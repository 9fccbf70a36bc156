"""Names as they are compared: without honorifics, accents, case or punctuation."""
from __future__ import annotations

import functools
import re
import unicodedata

HONORIFICS = ("dhr", "mevr", "mw", "mr", "mrs", "ms", "dr", "drs", "ir", "prof")
# Forms of address are not part of a name: "Dhr. Van der Burg" is Van der Burg.
HONORIFIC = re.compile(r"^(?:(?:" + "|".join(HONORIFICS) + r")\.?\s+)+", re.IGNORECASE)


@functools.lru_cache(maxsize=65536)     # names repeat in every meeting of an archive
def strip_honorific(name: str) -> str:
    """`Dhr. Van der Burg` -> `Van der Burg`; a name that is only an honorific stays."""
    stripped = HONORIFIC.sub("", name.strip())
    return stripped or name.strip()


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """A name as it is compared: accents, case and punctuation between words ignored."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[^\W_]+", plain))


def normalised(text: str) -> str:
    """Text as the leak check compares it: NFKD, no accents, case-folded."""
    if text.isascii():
        return text.lower()
    plain = unicodedata.normalize("NFKD", text)
    return re.sub("[\u0300-\u036f]", "", plain).casefold()
