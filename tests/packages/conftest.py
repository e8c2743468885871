"""What the package tests share: a folder of records with an original beside the seed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import SEED_CAPTURE, write_json
from tests.exporters.conftest import edge_cases


def records_folder(tmp_path: Path, seed: dict[str, Any], *, leave_out: tuple[str, ...] = ()) -> Path:
    """The seed (its original beside it) as JSON and the edge cases, less ``leave_out``, as JSON Lines."""
    folder = tmp_path / "in"
    (folder / "originals").mkdir(parents=True)
    (folder / "originals" / SEED_CAPTURE.name).write_bytes(SEED_CAPTURE.read_bytes())
    write_json(folder / "seed.json", seed)
    cases = [dict(r, id=name) for name, r in edge_cases(seed).items() if name not in ("seed", *leave_out)]
    (folder / "cases.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in cases),
                                        encoding="utf-8")
    return folder
