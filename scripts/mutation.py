"""Mutation testing (#29): how many wrong versions of a module its fast tests let through, with mutmut 3.

    python scripts/mutation.py                      # the five modules below, two workers
    python scripts/mutation.py _paths.py -j 1       # one module

For each module the tree (src, tests, records, pyproject.toml) is copied to build/mutation/<module>/, the
``[tool.mutmut]`` lists of the copy are set to that module and its tests, mutmut runs there, and a table is printed:
mutants, caught (killed or timed out), survived, kill rate. ``--survivors`` lists the survivors' names; ``mutmut
show NAME`` run in build/mutation/<module>/ shows one. Not a CI gate: it takes minutes per module (docs/mutation.md).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"

#: Module (under src/archivist) → the fast test files that exercise it.
MODULES: dict[str, tuple[str, ...]] = {
    "exporters/_marc_subjects.py": ("tests/exporters/test_marc_fields.py", "tests/exporters/test_subject_kinds.py",
                                    "tests/exporters/test_marc_cases.py"),
    "exporters/_marc_dates.py": ("tests/exporters/test_marc_fields.py", "tests/exporters/test_marc_cases.py"),
    "records/_validate.py": ("tests/records/test_validate.py", "tests/records/test_listed_files.py",
                             "tests/records/test_validate_cases.py"),
    "records/_ecma.py": ("tests/records/test_fast.py", "tests/records/test_ecma_cases.py"),
    "_paths.py": ("tests/records/test_listed_files.py", "tests/batch/test_output_paths.py",
                  "tests/test_paths_cases.py"),
}
#: mutmut's exit codes per mutant (mutmut/stats.py) that count as caught: killed (1, 3) or timed out.
_CAUGHT = {1, 3, 36, -24, 24, 152, 255}
_SURVIVED = {0}
_COPY = ("src", "tests", "records")


def _prepare(module: str, tests: tuple[str, ...]) -> Path:
    """A fresh copy of the tree whose mutmut configuration names ``module`` and ``tests``."""
    folder = WORK / module.replace("/", "_").removesuffix(".py")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in _COPY:
        shutil.copytree(ROOT / name, folder / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    present = [test for test in tests if (ROOT / test).is_file()]
    config = re.sub(r"(?m)^only_mutate = \[\]$", f"only_mutate = {json.dumps(['src/archivist/' + module])}", config)
    config = re.sub(r"(?m)^pytest_add_cli_args_test_selection = \[\]$",
                    f"pytest_add_cli_args_test_selection = {json.dumps(present)}", config)
    (folder / "pyproject.toml").write_text(config, encoding="utf-8")
    return folder


def _outcomes(folder: Path, module: str) -> dict[str, int | None]:
    """Each mutant's exit code, as mutmut recorded it next to the mutated module."""
    meta = folder / "mutants" / "src" / "archivist" / (module + ".meta")
    data = json.loads(meta.read_text(encoding="utf-8"))
    return dict(data["exit_code_by_key"])


def measure(module: str, workers: int) -> dict[str, int | None]:
    """Run mutmut on one module with its tests; each mutant's exit code."""
    folder = _prepare(module, MODULES[module])
    subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(workers)], cwd=folder,
                   check=False, stdout=subprocess.DEVNULL)
    return _outcomes(folder, module)


def row(module: str, outcomes: dict[str, int | None]) -> str:
    """One line of the table: mutants, caught, survived, kill rate (timeouts count as caught)."""
    caught = sum(code in _CAUGHT for code in outcomes.values())
    survived = sum(code in _SURVIVED for code in outcomes.values())
    other = len(outcomes) - caught - survived
    rate = f"{100 * caught / len(outcomes):.1f} %" if outcomes else "-"
    note = f" ({other} not run: no test reaches them, or suspicious)" if other else ""
    return f"| {module} | {len(outcomes)} | {caught} | {survived} | {rate} |{note}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help=f"under src/archivist (default: {', '.join(MODULES)})")
    parser.add_argument("-j", "--workers", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants under the table")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"no tests are listed for {', '.join(unknown)}; known: {', '.join(MODULES)}")
    results = {module: measure(module, args.workers) for module in args.modules or MODULES}
    print("| module | mutants | caught | survived | kill rate |\n|---|---|---|---|---|")
    for module, outcomes in results.items():
        print(row(module, outcomes))
    if args.survivors:
        for module, outcomes in results.items():
            for name, code in sorted(outcomes.items()):
                if code not in _CAUGHT:
                    print(f"{module}: {name} (exit {code})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
