"""Read the Docs: the config file is valid against RTD's schema, and the build command it names,
run the way RTD runs it (its environment variables, the real docs/ site), gives canonical links,
og:url, sitemap and feed URLs under the version's canonical URL, in Japanese."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".readthedocs.yaml"
# RTD's schema (readthedocs.org, MIT), vendored so the test runs anywhere; ../shared/rtd is the
# copy the project was given, and the two must not drift.
SCHEMA = ROOT / "tests" / "fixtures" / "rtd" / "readthedocs-v2.schema.json"
SHARED_SCHEMA = ROOT.parent / "shared" / "rtd" / "readthedocs-v2.schema.json"
CANONICAL = "https://example.org/ja/latest/"


def rtd_config() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def test_config_is_valid_against_rtd_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    if SHARED_SCHEMA.exists():
        assert json.loads(SHARED_SCHEMA.read_text(encoding="utf-8")) == schema
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    errors = sorted(validator(schema).iter_errors(rtd_config()), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_config_builds_like_make_html():
    config = rtd_config()
    assert config["version"] == 2
    build = config["build"]
    assert build["os"].startswith("ubuntu-")
    assert build["tools"]["python"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert "fonts-noto-cjk" in build["apt_packages"]
    assert config["python"]["install"] == [
        {"requirements": "requirements.txt"},
        {"method": "pip", "path": "."},  # the kiji package, as make installs it
    ]
    (command,) = build["jobs"]["build"]["html"]
    # conf.py at the root, content in docs/, RTD's output folder; never a -D language= override
    assert re.search(r"-c \. docs \$READTHEDOCS_OUTPUT/html$", command), command
    assert "-b html" in command and "-D" not in command.split()
    # every requirement is pinned exactly
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][A-Za-z0-9.]*", line.strip()), line


def _copy_site(dest: Path) -> None:
    """What RTD checks out and the build reads (not tests, not _build)."""
    ignore = shutil.ignore_patterns("__pycache__", "_build", ".doctrees")
    for name in ("conf.py", "requirements.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("docs", "_ext", "_templates", "tools"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)


@pytest.fixture(scope="module")
def rtd_build(tmp_path_factory) -> Path:
    checkout = tmp_path_factory.mktemp("checkout")
    _copy_site(checkout)
    output = checkout / "_readthedocs"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("READTHEDOCS", "KIJI_", "SPHINX"))
    }
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        READTHEDOCS="True",
        READTHEDOCS_PROJECT="kiji",
        READTHEDOCS_LANGUAGE="ja",
        READTHEDOCS_VERSION="latest",
        READTHEDOCS_VERSION_NAME="latest",
        READTHEDOCS_VERSION_TYPE="branch",
        READTHEDOCS_OUTPUT=str(output) + "/",
        READTHEDOCS_CANONICAL_URL=CANONICAL,
        READTHEDOCS_VIRTUALENV_PATH=str(Path(sys.executable).parent.parent),
        # `pip install .` of the checkout, in effect: its own kiji package comes first.
        PYTHONPATH=str(checkout / "_ext"),
    )
    for command in rtd_config()["build"]["jobs"]["build"]["html"]:
        # RTD runs each command in a shell in the checkout, with its variables set.
        proc = subprocess.run(
            ["bash", "-c", command],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        for subtype in ("seo", "feed", "redirect", "config"):
            assert f"[kiji.{subtype}]" not in proc.stderr, proc.stderr
    return output / "html"


def _soup(out: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((out / name).read_text(encoding="utf-8"), "lxml")


def test_rtd_build_is_japanese_with_canonical_urls(rtd_build):
    out = rtd_build
    index = _soup(out, "index.html")
    assert index.html["lang"] == "ja"  # no -D language= from RTD's project settings
    post = "posts/2026/2026-01-17-amazon-ai-chip.html"
    for name in ("index.html", post, "tags/ai.html"):
        soup = _soup(out, name)
        assert soup.head.find("link", rel="canonical")["href"] == CANONICAL + name
        assert soup.head.find("meta", property="og:url")["content"] == CANONICAL + name
    soup = _soup(out, post)
    assert soup.head.find("meta", property="og:image")["content"].startswith(
        CANONICAL + "_kiji/cards/"
    )
    assert soup.head.find("meta", property="og:locale")["content"] == "ja_JP"
    assert not (out / ".doctrees").exists()  # the doctree pickles are not published


def test_rtd_sitemap_feeds_robots_and_404(rtd_build):
    out = rtd_build
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [e.text for e in ET.parse(out / "sitemap.xml").getroot().iter(f"{ns}loc")]
    assert locs and all(loc.startswith(CANONICAL) for loc in locs)
    assert CANONICAL + "posts/2026/2026-01-17-amazon-ai-chip.html" in locs
    assert f"Sitemap: {CANONICAL}sitemap.xml" in (out / "robots.txt").read_text(encoding="ascii")
    feed = ET.parse(out / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    hrefs = [link.get("href") for link in feed.iter(f"{atom}link")]
    assert hrefs and all(h.startswith(CANONICAL) for h in hrefs)
    notfound = _soup(out, "404.html")
    assert notfound.title.get_text().startswith("ページが見つかりません")
    css = [link["href"] for link in notfound.find_all("link", rel="stylesheet")]
    assert css and all(h.startswith("/ja/latest/_static/") for h in css)
    # the old Jekyll URL of the sample post redirects to its new page
    old = _soup(out, "投資分析/2026/01/17/amazon-ai-chip.html")
    assert (
        old.find("link", rel="canonical")["href"]
        == CANONICAL + "posts/2026/2026-01-17-amazon-ai-chip.html"
    )


def test_the_package_installs_with_its_templates_static_files_and_command(tmp_path):
    """What `pip install .` (Read the Docs, make) puts in place: every module, the templates and
    static files the extension loads by path, and the `kiji` command."""
    import zipfile

    # Built from a copy: setuptools leaves a build/ folder beside the pyproject.toml it builds.
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", source / "pyproject.toml")
    shutil.copytree(ROOT / "_ext", source / "_ext", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("kiji_kb-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    ext = ROOT / "_ext"
    wanted = {
        p.relative_to(ext).as_posix()
        for p in ext.joinpath("kiji").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert wanted and wanted <= names, sorted(wanted - names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kiji = kiji.cli.main:main" in zipfile.ZipFile(wheel).read(entry).decode()
