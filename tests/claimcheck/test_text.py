"""The one way each to find a line, decode a file and validate a link target."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claimcheck.problems import Problem
from claimcheck.text import LineIndex, decode_utf8, is_http_url, is_pmid


@given(st.text(alphabet="ab\n", max_size=40), st.data())
def test_line_index_counts_lines_in_text_and_bytes_alike(text, data):
    offset = data.draw(st.integers(0, len(text)))
    assert LineIndex(text)(offset) == LineIndex(text.encode())(offset) == text.count("\n", 0, offset) + 1


def test_bad_utf8_names_the_line_of_the_first_bad_byte():
    problem = decode_utf8(b"one\ntwo \xff\n", "p.md", "page-error")
    assert isinstance(problem, Problem)
    assert (problem.file, problem.line, problem.kind) == ("p.md", 2, "page-error")
    assert problem.message == "not valid UTF-8 (byte 8); save the file as UTF-8"
    assert decode_utf8(b"\xef\xbb\xbfcaf\xc3\xa9", "p.md", "page-error") == "café"


def test_link_targets():
    assert is_http_url("https://pubmed.ncbi.nlm.nih.gov/1/") and is_http_url("HTTP://x.org")
    assert not any(is_http_url(u) for u in ("javascript:alert(1)", "https://x.org/a b", 'https://x.org/"', "ftp://x.org"))
    assert is_pmid(" 12345 ") and not is_pmid("PMID12345") and not is_pmid("")
