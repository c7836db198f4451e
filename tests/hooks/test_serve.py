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
    log = open(tmp_path / "serve.log", "w+")
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


def test_make_serve_on_a_taken_port_fails_with_one_clear_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(["make", "--no-print-directory", "serve", f"PORT={port}"], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    ours = [line for line in (result.stdout + result.stderr).splitlines() if not line.startswith("make: ***")]
    assert ours == [f"make serve: port {port} on 127.0.0.1 is already in use (another server?): stop it, "
                    f"or run make serve PORT={port + 1}"], result.stdout + result.stderr


def test_make_serve_rejects_a_port_that_is_not_a_number():
    result = subprocess.run(["make", "--no-print-directory", "serve", "PORT=80a"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "PORT=80a is not a port number" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_serve_watches_the_snippets_and_the_template_overrides():
    """Everything a page is built from is watched: snippet folders and the theme's custom_dir."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    watched = {os.path.realpath(path) for path in config.watch}
    snippets = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
    needed = {os.path.realpath(ROOT / folder) for folder in snippets}
    needed.add(os.path.realpath(config.theme.custom_dir))
    assert (ROOT / "includes").resolve().as_posix() in needed
    assert needed <= watched, f"not watched by `mkdocs serve`: {sorted(needed - watched)}"
