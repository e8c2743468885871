"""oai-static as a harvester and a careful user see it: strictly valid, and unmistakable when the repository was
not named (a warning on stderr, placeholder names under .invalid, and a comment in the file)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lxml import etree

from tests import warm
from tests.conftest import RECORDS
from tests.oracles import oai_errors

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def _export(out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return warm.shared().run(["export", str(RECORDS), "--to", "oai-static", "--out", str(out), *options], timeout=120)


def test_an_unnamed_repository_is_said_on_stderr_and_in_the_file(tmp_path: Path) -> None:
    result = _export(tmp_path / "out")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: oai-static:")]
    assert len(warnings) == 2 and "repository id archivist.invalid" in warnings[0] and "base URL" in warnings[1]
    data = (tmp_path / "out" / "oai-static.xml").read_bytes()
    assert oai_errors(data) == []
    root = etree.fromstring(data)
    comment = root.getprevious()
    assert isinstance(comment, etree._Comment) and "NOT A REAL REPOSITORY" in comment.text
    assert root.findtext(f"{OAI}request").endswith(".invalid/oai")
    assert all(".invalid:" in e.text for e in root.iter(f"{OAI}identifier"))


def test_a_named_repository_gets_no_warning_and_no_comment(tmp_path: Path) -> None:
    result = _export(tmp_path / "out", "--repository-id", "oai.library.ac.uk", "--base-url",
                     "https://oai.library.ac.uk/oai")
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    data = (tmp_path / "out" / "oai-static.xml").read_bytes()
    assert b"<!--" not in data and oai_errors(data) == []
    assert b"<identifier>oai:oai.library.ac.uk:mrta-globalsecurity</identifier>" in data


def test_only_the_unnamed_half_is_warned_about(tmp_path: Path) -> None:
    result = _export(tmp_path / "out", "--repository-id", "oai.library.ac.uk")
    expected = ("warning: oai-static: the base URL http://archivist.invalid/oai is a placeholder (a reserved example "
                "name or a loopback address no harvester elsewhere can reach); name the repository with "
                "--repository-id and --base-url")
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == [expected]
    assert b"NOT A REAL REPOSITORY" in (tmp_path / "out" / "oai-static.xml").read_bytes()


def test_a_repository_id_that_is_not_a_domain_is_refused(tmp_path: Path) -> None:
    result = _export(tmp_path / "out", "--repository-id", "my archive")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "repository id 'my archive' is not a domain name" in result.stderr
    assert not (tmp_path / "out" / "oai-static.xml").exists()


def test_the_strict_schema_checks_the_payload(tmp_path: Path) -> None:
    """The official OAI-PMH.xsd validates metadata strictly: a payload in no known namespace fails."""
    _export(tmp_path / "out", "--repository-id", "oai.library.ac.uk")
    data = (tmp_path / "out" / "oai-static.xml").read_bytes()
    assert oai_errors(data) == []
    from tests.xsd import validation_errors

    foreign = data.replace(b"http://www.openarchives.org/OAI/2.0/oai_dc/", b"urn:x-unknown")
    assert any("strict wildcard" in e for e in validation_errors(foreign, "oai-pmh"))
    misspelt = data.replace(b"<dc:title", b"<dc:titel", 1).replace(b"</dc:title>", b"</dc:titel>", 1)
    assert validation_errors(misspelt, "oai-pmh") != []
