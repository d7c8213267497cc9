"""The 共性指标 derived from the seeds (`data/common_indicators.json`).

`tools/build_library.py` writes the file. The data migration `library/0002_install_common_indicators`
installed a frozen copy of it (next to the migration); a later change of this file reaches
existing databases only through a new data migration with its own frozen copy.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "common_indicators.json"


def read_common_indicators() -> list[dict]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))
