"""`mkdocs serve` as editors use it: problems show live, the server survives
broken input and recovers when the file is fixed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import FIXTURES, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_serve_shows_problems_live_and_recovers(tmp_path):
    site = tmp_path / "basic"
    shutil.copytree(FIXTURES / "basic", site)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("../../../", str(ROOT) + "/"))
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 (the server writes to it until the test closes it)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=site,
    )

    def output() -> str:
        log.flush()
        return (tmp_path / "serve.log").read_text()

    def page() -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                return response.read().decode()
        except OSError:
            return ""

    try:
        assert _wait_for(lambda: "Zhdanava" in page()), output()
        bib = site / "references.bib"
        good = bib.read_text()
        bib.write_text(good + "@article{broken,\n  title = {x\n")
        assert _wait_for(lambda: "this entry is never closed" in output()), output()
        assert server.poll() is None
        bib.write_text(good.replace("Zhdanava, Maryia", "Zhdanava, Maria"))
        assert _wait_for(lambda: "Maria Zhdanava" in page()), output()
        assert server.poll() is None
        assert "Traceback" not in output()
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
