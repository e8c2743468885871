"""A strict RFC 8493 (BagIt 1.0) check, stricter than bagit-python: every file is accounted for.

bagit-python accepts a bag with stray files at its top level, outside every manifest; this check does not.
It returns every problem found (an empty list for a sound bag), so a test can show what is wrong.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

_DIGEST_SIZES = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
_MANIFEST = re.compile(r"(tag)?manifest-([a-z0-9]+)\.txt")
_RESERVED = {"bagit.txt", "bag-info.txt", "fetch.txt"}


def _decode(path: str) -> str:
    return path.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if not p.is_dir() or p.is_symlink())


def _read_manifest(bag: Path, name: str, algorithm: str, problems: list[str]) -> dict[str, str]:
    entries: dict[str, str] = {}
    raw = (bag / name).read_bytes()
    if raw and not raw.endswith(b"\n"):
        problems.append(f"{name}: last line has no line break")
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        match = re.fullmatch(r"([0-9a-fA-F]+)[ \t]+(\S.*)", line)
        if match is None:
            problems.append(f"{name} line {number}: not '<digest> <path>': {line!r}")
            continue
        digest, path = match.group(1), _decode(match.group(2))
        if len(digest) != _DIGEST_SIZES[algorithm]:
            problems.append(f"{name} line {number}: a {algorithm} digest has {_DIGEST_SIZES[algorithm]} digits")
        if path.startswith("/") or ".." in path.split("/") or "\\" in path:
            problems.append(f"{name} line {number}: path {path!r} is not a relative path inside the bag")
        if path in entries:
            problems.append(f"{name} line {number}: {path!r} is listed twice")
        entries[path] = digest.lower()
    return entries


def _check_digests(bag: Path, name: str, algorithm: str, entries: dict[str, str], problems: list[str]) -> None:
    for path, digest in entries.items():
        target = bag / path
        if not target.is_file() or target.is_symlink():
            problems.append(f"{name}: {path!r} is listed but is not a regular file in the bag")
        elif hashlib.new(algorithm, target.read_bytes()).hexdigest() != digest:
            problems.append(f"{name}: {path!r} does not match its {algorithm} digest")


def strict_bag_problems(bag: Path) -> list[str]:
    """Every way ``bag`` departs from RFC 8493: bag declaration, manifests that cover every payload file with
    correct digests, tag manifests that cover every tag file, Payload-Oxum, and nothing stray anywhere."""
    problems: list[str] = []
    declaration = bag / "bagit.txt"
    if not declaration.is_file():
        return ["bagit.txt is missing: not a bag"]
    if declaration.read_bytes() != b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n":
        problems.append(f"bagit.txt is not the BagIt 1.0 declaration: {declaration.read_bytes()!r}")
    payload_dir = bag / "data"
    if not payload_dir.is_dir() or payload_dir.is_symlink():
        return [*problems, "data/ is missing"]
    payload = {p.relative_to(bag).as_posix() for p in _files(payload_dir)}
    manifests: dict[str, dict[str, str]] = {}
    tag_manifests: dict[str, dict[str, str]] = {}
    for item in sorted(bag.iterdir()):
        match = _MANIFEST.fullmatch(item.name)
        if match and match.group(2) not in _DIGEST_SIZES:
            problems.append(f"{item.name}: unknown algorithm")
        elif match:
            table = tag_manifests if match.group(1) else manifests
            table[match.group(2)] = _read_manifest(bag, item.name, match.group(2), problems)
    if not manifests:
        problems.append("no payload manifest (manifest-<algorithm>.txt)")
    for algorithm, entries in manifests.items():
        name = f"manifest-{algorithm}.txt"
        for path in sorted(payload - set(entries)):
            problems.append(f"{name}: payload file {path!r} is in no manifest entry")
        for path in sorted(p for p in entries if not p.startswith("data/")):
            problems.append(f"{name}: {path!r} is not under data/")
        _check_digests(bag, name, algorithm, entries, problems)
    tag_files = {p.relative_to(bag).as_posix() for p in _files(bag) if p.relative_to(bag).parts[0] != "data"}
    for path in sorted(tag_files):
        top = path.split("/")[0]
        listed = any(path in entries for entries in tag_manifests.values())
        if not (top in _RESERVED or _MANIFEST.fullmatch(top) or listed):
            problems.append(f"{path!r} is stray: at the top level but neither a BagIt tag file nor in a tag manifest")
    for algorithm, entries in tag_manifests.items():
        name = f"tagmanifest-{algorithm}.txt"
        for path in sorted(tag_files - set(entries) - {name} - {f"tagmanifest-{a}.txt" for a in tag_manifests}):
            problems.append(f"{name}: tag file {path!r} is not listed")
        _check_digests(bag, name, algorithm, entries, problems)
    info = bag / "bag-info.txt"
    if info.is_file():
        fields = {}
        for number, line in enumerate(info.read_text(encoding="utf-8").splitlines(), start=1):
            if line[:1] in (" ", "\t"):
                continue
            label, colon, value = line.partition(":")
            if not colon or not label.strip():
                problems.append(f"bag-info.txt line {number}: not 'Label: value'")
            fields[label.strip()] = value.strip()
        oxum = fields.get("Payload-Oxum")
        octets = sum((bag / p).stat().st_size for p in payload)
        if oxum is not None and oxum != f"{octets}.{len(payload)}":
            problems.append(f"Payload-Oxum is {oxum}, the payload is {octets}.{len(payload)}")
    return problems
