"""requirements/test.lock pins every dependency of pyproject.toml (and its test extra) with hashes."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements" / "test.lock").read_text(encoding="utf-8")
    pins = re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in pins}


def test_every_dependency_is_locked():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    missing = sorted(wanted - set(_locked()))
    assert not missing, f"not in requirements/test.lock (run scripts/lock.sh): {missing}"


def test_every_locked_requirement_has_a_hash_and_no_machine_path():
    text = (ROOT / "requirements" / "test.lock").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text)
    for block in blocks[1:]:
        assert "--hash=sha256:" in block, block.splitlines()[0]
    assert "file://" not in text and "/opt/" not in text and "/tmp/" not in text
