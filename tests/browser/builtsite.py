"""Build an MkDocs site once, serve it on 127.0.0.1 and describe its pages.

Shared by the browser tests (tests/browser/conftest.py) and the link check
(tests/test_links.py). Both load this file under one module name, "trd_builtsite"
(see `_load` in each), so the real site is built and served once per pytest process,
whichever test needs it first.

Nothing here reaches the network: the server binds 127.0.0.1 on a free port.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import html.parser
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parents[2]
MKDOCS_YML = REPO / "mkdocs.yml"


def mkdocs_executable() -> str:
    """The mkdocs next to the running interpreter (the project venv), else PATH."""
    here = Path(sys.executable).parent / "mkdocs"
    if here.exists():
        return str(here)
    found = shutil.which("mkdocs")
    if not found:
        raise RuntimeError("mkdocs is not installed in this environment: run `make setup`")
    return found


def build(config: Path, dest: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of `config` into `dest`; returns the finished process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [mkdocs_executable(), "build", "--strict", "-f", str(config), "-d", str(dest)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


class BuildError(RuntimeError):
    pass


# --------------------------------------------------------------------------- server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        # LinkChecker throttles every host to ~10 requests a second unless the server
        # answers with a "LinkChecker" header; this server is ours, so let it go fast.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def log_message(self, *args):  # keep pytest output clean
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(directory: Path) -> tuple[str, _Server]:
    """Serve `directory` on 127.0.0.1:<free port> from a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, name=f"http:{directory}", daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def fixture_site(name: str, parent: Path) -> Path:
    """A copy of the fixture site tests/fixtures/sites/<name> in `parent` (for tests that
    change it while it is served), its paths to the repository made absolute."""
    site = parent / name
    shutil.copytree(REPO / "tests" / "fixtures" / "sites" / name, site)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("../../../../", str(REPO) + "/"), encoding="utf-8")
    return site


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@dataclass
class Served:
    """A running `mkdocs serve`: its address, a page fetcher and its output so far."""

    base_url: str
    log: Path

    def fetch(self, path: str = "") -> str:
        """The body at `path`, or "" while the server is not answering."""
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=2) as response:
                return response.read().decode()
        except OSError:
            return ""

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def mkdocs_serve(config: Path, log: Path):
    """`mkdocs serve -f config` on 127.0.0.1:<free port>, as an editor runs it; stopped on exit.
    Fails if the server died or printed a traceback."""
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with open(log, "w") as out:
        server = subprocess.Popen([mkdocs_executable(), "serve", "-f", str(config), "--dev-addr", f"127.0.0.1:{port}"],
                                  stdout=out, stderr=subprocess.STDOUT, env=env, cwd=config.parent)
        served = Served(f"http://127.0.0.1:{port}/", log)
        try:
            yield served
            assert server.poll() is None, served.output()
            assert "Traceback" not in served.output(), served.output()
        finally:
            server.terminate()
            server.wait(timeout=20)


# ----------------------------------------------------------------------- mkdocs.yml


class _IgnoreTagsLoader(yaml.SafeLoader):
    """SafeLoader that reads mkdocs.yml's !!python/... and !ENV tags as plain values."""


def _construct_unknown(loader, tag_suffix, node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_IgnoreTagsLoader.add_multi_constructor("!", _construct_unknown)
_IgnoreTagsLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_unknown)


def load_config(path: Path = MKDOCS_YML) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_IgnoreTagsLoader) or {}


def doc_to_url(doc: str, use_directory_urls: bool = True) -> str:
    """docs/-relative Markdown path -> site-relative URL path ('' is the home page)."""
    p = Path(doc.strip("/"))
    stem_is_index = p.stem in ("index", "README")
    parent = p.parent.as_posix()
    parent = "" if parent == "." else parent + "/"
    if use_directory_urls:
        return parent if stem_is_index else f"{parent}{p.stem}/"
    return f"{parent}{'index' if stem_is_index else p.stem}.html"


@dataclass(frozen=True)
class NavEntry:
    title: str | None
    doc: str
    url: str  # site-relative, '' for home


def nav_entries(config: dict) -> list[NavEntry]:
    """Pages listed in the config's nav, in menu order (external links left out)."""
    use_dir = config.get("use_directory_urls", True)
    out: list[NavEntry] = []

    def walk(items):
        for item in items or []:
            if isinstance(item, str):
                title, target = None, item
            elif isinstance(item, dict) and len(item) == 1:
                (title, target), = item.items()
            else:
                continue
            if isinstance(target, list):
                walk(target)
            elif isinstance(target, str) and "://" not in target and target.endswith(".md"):
                out.append(NavEntry(title, target, doc_to_url(target, use_dir)))

    walk(config.get("nav"))
    return out


# ------------------------------------------------------------------------ HTML facts


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00b6", " ").split())


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
         "param", "source", "track", "wbr"}


class _PageParser(html.parser.HTMLParser):
    """Collects what the tests need from one built page, with the stdlib parser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.h1_parts: list[str] = []
        self._in_h1 = 0
        self._in_headerlink = 0
        self._in_article = 0
        self.ids: set[str] = set()
        self.classes: set[str] = set()
        self.links: list[str] = []
        self.article_text: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if a.get("name") and tag == "a":
            self.ids.add(a["name"])
        cls = (a.get("class") or "").split()
        self.classes.update(cls)
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        if tag in _VOID:
            return
        self._stack.append(tag)
        if tag == "h1" and not self.h1_parts and self._in_h1 == 0:
            self._in_h1 = len(self._stack)
        if tag == "a" and "headerlink" in cls:
            self._in_headerlink = len(self._stack)
        if tag == "article" and "md-content__inner" in cls:
            self._in_article = len(self._stack)

    def handle_endtag(self, tag):
        if tag not in self._stack:
            return
        while self._stack:
            depth = len(self._stack)
            if self._in_h1 == depth:
                self._in_h1 = -1  # done: first h1 only
            if self._in_headerlink == depth:
                self._in_headerlink = 0
            if self._in_article == depth:
                self._in_article = 0
            if self._stack.pop() == tag:
                break

    def handle_data(self, data):
        if self._in_h1 > 0 and not self._in_headerlink:
            self.h1_parts.append(data)
        if self._in_article:
            self.article_text.append(data)


@dataclass
class PageFacts:
    url: str  # site-relative
    file: Path
    h1: str
    ids: set[str]
    classes: set[str]
    links: list[str]
    text: str  # the article's text, whitespace-normalised


def page_facts(site_dir: Path, url: str) -> PageFacts:
    file = site_dir / url / "index.html" if url.endswith("/") or url == "" else site_dir / url
    parser = _PageParser()
    parser.feed(file.read_text(encoding="utf-8"))
    parser.close()
    return PageFacts(
        url=url,
        file=file,
        h1=_norm("".join(parser.h1_parts)),
        ids=parser.ids,
        classes=parser.classes,
        links=parser.links,
        text=_norm(" ".join(parser.article_text)),
    )


# ----------------------------------------------------------------------------- site


@dataclass
class Site:
    directory: Path
    base_url: str
    config: dict
    server: object = None
    _facts: dict = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    @functools.cached_property
    def nav(self) -> list[NavEntry]:
        return nav_entries(self.config)

    @functools.cached_property
    def pages(self) -> list[str]:
        """Every built HTML page (site-relative URL), nav order first, then the rest."""
        found = []
        for f in sorted(self.directory.rglob("*.html")):
            rel = f.relative_to(self.directory).as_posix()
            if rel == "404.html" or rel.startswith(("assets/", "search/")):
                continue
            found.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        ordered = [e.url for e in self.nav if e.url in found]
        return list(dict.fromkeys(ordered + found))

    def facts(self, url: str) -> PageFacts:
        if url not in self._facts:
            self._facts[url] = page_facts(self.directory, url)
        return self._facts[url]

    def first_page_with_class(self, cls: str) -> str | None:
        return next((u for u in self.pages if cls in self.facts(u).classes), None)

    def first_page_with_id(self, id_: str) -> str | None:
        return next((u for u in self.pages if id_ in self.facts(u).ids), None)

    def path_of(self, absolute_url: str) -> str:
        """Site-relative path of a URL on this server (query and fragment dropped)."""
        assert absolute_url.startswith(self.base_url), absolute_url
        return urlsplit(absolute_url).path[len(urlsplit(self.base_url).path):]


_lock = threading.Lock()
_cache: dict[Path, Site | BuildError] = {}


def _cleanup(tmp: Path, server) -> None:
    server.shutdown()
    server.server_close()
    shutil.rmtree(tmp, ignore_errors=True)


def built_site(config_path: Path = MKDOCS_YML) -> Site:
    """Build (once per process) and serve the site of `config_path`.

    Raises BuildError with mkdocs' output when the strict build fails.
    """
    config_path = config_path.resolve()
    with _lock:
        if config_path in _cache:
            cached = _cache[config_path]
            if isinstance(cached, BuildError):
                raise cached
            return cached
        tmp = Path(tempfile.mkdtemp(prefix="site-under-test-"))
        dest = tmp / "site"
        proc = build(config_path, dest)
        if proc.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            problems = [
                line for line in (proc.stdout + proc.stderr).splitlines()
                if line.startswith(("WARNING", "ERROR", "Aborted", "Error", "Traceback"))
            ]
            error = BuildError(
                f"`mkdocs build --strict -f {config_path}` failed (exit {proc.returncode}):\n"
                + "\n".join(problems[-60:] or (proc.stdout + proc.stderr).splitlines()[-60:])
            )
            _cache[config_path] = error  # fail every later caller fast, with the same story
            raise error
        base_url, server = serve(dest)
        atexit.register(_cleanup, tmp, server)
        site = Site(directory=dest, base_url=base_url, config=load_config(config_path), server=server)
        _cache[config_path] = site
        return site
