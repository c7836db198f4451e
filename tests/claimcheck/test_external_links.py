"""The opt-in external link checker, against a server on 127.0.0.1 only."""

from __future__ import annotations

import http.server
import threading

import pytest

from claimcheck.external_links import check_url, external_links, main


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_reports_broken_links_with_the_pages_linking_to_them(tmp_path, server, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(f'<a href="{server}/ok">x</a> <a href="{server}/gone">y</a> <a href="#local">z</a>')
    assert set(external_links(tmp_path)) == {f"{server}/ok", f"{server}/gone"}
    assert check_url(f"{server}/ok", retries=1) is None
    assert check_url(f"{server}/gone", retries=1) == "HTTP 404"
    assert main([str(tmp_path), "--retries", "1"]) == 1
    assert f"{server}/gone: HTTP 404 (linked from a/index.html)" in capsys.readouterr().out
