from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READS = re.compile(r"""env_(?:str|bool|int|list)\(\s*["']([A-Z0-9_]+)["']""")


def test_env_example_lists_every_variable_the_settings_read():
    read = set(READS.findall((ROOT / "kopir" / "settings.py").read_text()))
    listed = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert read, "no env_*() calls found: the pattern is out of date"
    assert read <= listed, f"missing from .env.example: {sorted(read - listed)}"
