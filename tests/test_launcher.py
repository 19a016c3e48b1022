"""tools/sphinx_build.py behaves as sphinx-build: same output, exit status and warnings file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "tools" / "sphinx_build.py"


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("strict", [False, True])
def test_same_status_output_and_warnings_as_sphinx_build(rootdir, tmp_path, strict):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-hostile", src)
    results = {}
    for name, head in (("sphinx", [sys.executable, "-m", "sphinx"]), ("launcher", [sys.executable, str(LAUNCHER)])):
        out = tmp_path / name
        opts = ["-W", "--keep-going"] if strict else []
        proc = _run([*head, "-b", "html", "-q", *opts, "-w", str(tmp_path / f"{name}.txt"), str(src), str(out)], tmp_path)
        results[name] = (proc.returncode, (tmp_path / f"{name}.txt").read_text(encoding="utf-8"), out)
    (code_a, warn_a, out_a), (code_b, warn_b, out_b) = results["sphinx"], results["launcher"]
    assert code_b == code_a == (1 if strict else 0)
    assert warn_a.strip() and warn_b.replace(str(out_b), "") == warn_a.replace(str(out_a), "")
    assert (out_b / "index.html").read_bytes() == (out_a / "index.html").read_bytes()


def test_usage_errors_and_help(tmp_path):
    assert _run([sys.executable, str(LAUNCHER), "--help"], tmp_path).returncode == 0
    bad = _run([sys.executable, str(LAUNCHER), "--no-such-option"], tmp_path)
    plain = _run([sys.executable, "-m", "sphinx", "--no-such-option"], tmp_path)
    assert bad.returncode == plain.returncode != 0
    missing = _run([sys.executable, str(LAUNCHER), "-b", "html", str(tmp_path / "none"), str(tmp_path / "o")], tmp_path)
    assert missing.returncode != 0 and "none" in missing.stderr
