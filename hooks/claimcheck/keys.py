"""Pandoc's citation-key grammar, apart from the citation parser: `document.py`
keeps keys out of its masks and `citations.py` reads them, and the parser
needs the `Document` that `document.py` builds, so the grammar sits below both.
"""

from __future__ import annotations

import re

#: A key as Pandoc reads it (after the `@`), and the braced form.
KEY = r"[\w*](?:\w|[:.#$%&\-+?<>~/](?=\w)|[:/](?=/))*"
SIMPLE_KEY = re.compile(KEY)
#: A key where one may stand in running text (document.py keeps these out of its
#: URL, DOI and e-mail masks); braces nest one level deep here.
KEY_IN_TEXT = re.compile(rf"(?<![^\W_]|[.\\])-?@(?:\{{[^\s{{}}]*(?:\{{[^\s{{}}]*\}}[^\s{{}}]*)*\}}|{KEY})")
