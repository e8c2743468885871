"""PREMIS 3 documents as a METS amdSec holds them, filled into byte templates compiled once per process.

Most of a record's METS is PREMIS whose shape never changes: only identifiers, digests, sizes, names and dates do.
Each template is written once, as indented text with holes, and checked then; what a record adds is escaped, checked
for what XML 1.0 cannot hold and encoded on its own, so the METS is never escaped, checked or encoded as a whole.
tests/exporters/test_mets.py validates the result against PREMIS 3 with two engines and holds it to the golden METS.
"""

from __future__ import annotations

from functools import lru_cache

from ._formats import Format
from ._markup import PADS, attr, attr_value, checked, text

PREMIS = "http://www.loc.gov/premis/v3"
PREMIS_XSD = "http://www.loc.gov/standards/premis/v3/premis.xsd"
DEPTH = 5  # where a PREMIS document stands in a METS: mets/amdSec/*/mdWrap/xmlData
_HOLE = "\x00"  # where a value goes in a template (XML 1.0 cannot hold it, so no constant has one)
_ROOT = attr("version", "3.0") + attr("xsi:schemaLocation", f"{PREMIS} {PREMIS_XSD}")
_SHA256 = (attr("authority", "cryptographicHashFunctions")
           + attr("authorityURI", "http://id.loc.gov/vocabulary/preservation/cryptographicHashFunctions")
           + attr("valueURI", "http://id.loc.gov/vocabulary/preservation/cryptographicHashFunctions/sha256"))
_IDENTIFICATION = (attr("authority", "formatRegistryRole")
                   + attr("authorityURI", "http://id.loc.gov/vocabulary/preservation/formatRegistryRole"))
_RELATION = attr("authority", "relationshipType")
_SUBTYPE = attr("authority", "relationshipSubType")


def content(raw: str) -> bytes:
    """``raw`` as element content, UTF-8; ValueError (lxml's) for what XML 1.0 cannot hold, UnicodeEncodeError
    for a lone surrogate."""
    if raw.isprintable():  # no control character, no U+FFFE or U+FFFF, no surrogate: nothing to refuse
        return text(raw).encode("utf-8")
    return checked(text(raw))


def attribute(raw: str) -> bytes:
    """``raw`` as a double-quoted attribute value, UTF-8, checked as :func:`content`."""
    if raw.isprintable():  # nor a tab, line break or carriage return, which are escaped
        return attr_value(raw).encode("utf-8")
    return checked(attr_value(raw))


def compile_template(xml: str) -> bytes:
    """A template for ``bytes % values`` from text whose holes are ``_HOLE``; the constant text is checked here."""
    checked(xml.replace(_HOLE, ""))
    return xml.replace("%", "%%").replace(_HOLE, "%b").encode("utf-8")


def _leaf(depth: int, tag: str, value: str, attrs: str = "") -> str:
    return f"{PADS[depth]}<premis:{tag}{attrs}>{text(value)}</premis:{tag}>"


def _ident(depth: int, kind: str, type_: str, value: str) -> str:
    pad = PADS[depth]
    return (f"{pad}<premis:{kind}Identifier>{_leaf(depth + 1, f'{kind}IdentifierType', type_)}"
            f"{_leaf(depth + 1, f'{kind}IdentifierValue', value)}{pad}</premis:{kind}Identifier>")


H, D = _HOLE, DEPTH


@lru_cache(maxsize=256)
def object_template(fmt: Format, relations: int) -> bytes:
    """A ``premis:object`` (a file) of format ``fmt`` with ``relations`` derivations. Holes: UUID, SHA-256, size,
    original name, then (source object UUID, event UUID) per relation."""
    pad = PADS
    registry = ""
    if fmt.puid:
        registry = (f"{pad[D + 3]}<premis:formatRegistry>{_leaf(D + 4, 'formatRegistryName', 'PRONOM')}"
                    f"{_leaf(D + 4, 'formatRegistryKey', fmt.puid)}"
                    f"{_leaf(D + 4, 'formatRegistryRole', 'identification', _IDENTIFICATION)}"
                    f"{pad[D + 3]}</premis:formatRegistry>")
    relation = (
        f"{pad[D + 1]}<premis:relationship>{_leaf(D + 2, 'relationshipType', 'derivation', _RELATION)}"
        f"{_leaf(D + 2, 'relationshipSubType', 'has source', _SUBTYPE)}"
        f"{pad[D + 2]}<premis:relatedObjectIdentifier>{_leaf(D + 3, 'relatedObjectIdentifierType', 'UUID')}"
        f"{_leaf(D + 3, 'relatedObjectIdentifierValue', H)}{pad[D + 2]}</premis:relatedObjectIdentifier>"
        f"{pad[D + 2]}<premis:relatedEventIdentifier>{_leaf(D + 3, 'relatedEventIdentifierType', 'UUID')}"
        f"{_leaf(D + 3, 'relatedEventIdentifierValue', H)}{pad[D + 2]}</premis:relatedEventIdentifier>"
        f"{pad[D + 1]}</premis:relationship>")
    return compile_template(
        f'<premis:object xsi:type="premis:file"{_ROOT}>{_ident(D + 1, "object", "UUID", H)}'
        f"{pad[D + 1]}<premis:objectCharacteristics>{_leaf(D + 2, 'compositionLevel', '0')}"
        f"{pad[D + 2]}<premis:fixity>{_leaf(D + 3, 'messageDigestAlgorithm', 'SHA-256', _SHA256)}"
        f"{_leaf(D + 3, 'messageDigest', H)}{pad[D + 2]}</premis:fixity>"
        f"{_leaf(D + 2, 'size', H)}"
        f"{pad[D + 2]}<premis:format>{pad[D + 3]}<premis:formatDesignation>"
        f"{_leaf(D + 4, 'formatName', fmt.name)}{pad[D + 3]}</premis:formatDesignation>{registry}"
        f"{pad[D + 2]}</premis:format>{pad[D + 1]}</premis:objectCharacteristics>"
        f"{_leaf(D + 1, 'originalName', H)}{relation * relations}{pad[D]}</premis:object>")


# A premis:event in pieces: its head (UUID, type, date), then each optional part, then its links and its end.
EVENT_HEAD = compile_template(f"<premis:event{_ROOT}>{_ident(D + 1, 'event', 'UUID', H)}"
                              f"{_leaf(D + 1, 'eventType', H)}{_leaf(D + 1, 'eventDateTime', H)}")
EVENT_DETAIL = compile_template(f"{PADS[D + 1]}<premis:eventDetailInformation>{_leaf(D + 2, 'eventDetail', H)}"
                                f"{PADS[D + 1]}</premis:eventDetailInformation>")
OUTCOME_START = compile_template(f"{PADS[D + 1]}<premis:eventOutcomeInformation>")
OUTCOME = compile_template(_leaf(D + 2, "eventOutcome", H))
OUTCOME_NOTE = compile_template(f"{PADS[D + 2]}<premis:eventOutcomeDetail>"
                                f"{_leaf(D + 3, 'eventOutcomeDetailNote', H)}{PADS[D + 2]}</premis:eventOutcomeDetail>")
OUTCOME_END = compile_template(f"{PADS[D + 1]}</premis:eventOutcomeInformation>")
LINKED_AGENT = compile_template(
    f"{PADS[D + 1]}<premis:linkingAgentIdentifier>{_leaf(D + 2, 'linkingAgentIdentifierType', H)}"
    f"{_leaf(D + 2, 'linkingAgentIdentifierValue', H)}{PADS[D + 1]}</premis:linkingAgentIdentifier>")
LINKED_OBJECT = compile_template(
    f"{PADS[D + 1]}<premis:linkingObjectIdentifier>{_leaf(D + 2, 'linkingObjectIdentifierType', 'UUID')}"
    f"{_leaf(D + 2, 'linkingObjectIdentifierValue', H)}{_leaf(D + 2, 'linkingObjectRole', H)}"
    f"{PADS[D + 1]}</premis:linkingObjectIdentifier>")
EVENT_END = compile_template(f"{PADS[D]}</premis:event>")

#: A premis:agent. Holes: identifier type and value, name, type (AGENT_VERSIONED: and version).
AGENT = compile_template(f"<premis:agent{_ROOT}>{_ident(D + 1, 'agent', H, H)}{_leaf(D + 1, 'agentName', H)}"
                         f"{_leaf(D + 1, 'agentType', H)}{PADS[D]}</premis:agent>")
AGENT_VERSIONED = compile_template(f"<premis:agent{_ROOT}>{_ident(D + 1, 'agent', H, H)}"
                                   f"{_leaf(D + 1, 'agentName', H)}{_leaf(D + 1, 'agentType', H)}"
                                   f"{_leaf(D + 1, 'agentVersion', H)}{PADS[D]}</premis:agent>")


@lru_cache(maxsize=8)
def wrapper(section: str, mdtype: str) -> bytes:
    """``section/mdWrap/xmlData`` around a PREMIS document, as an amdSec holds it. Holes: the section's ID, the
    document."""
    pad = PADS
    return compile_template(f'{pad[2]}<mets:{section} ID="{H}">{pad[3]}<mets:mdWrap MDTYPE="{mdtype}">'
                            f"{pad[4]}<mets:xmlData>{pad[5]}{H}{pad[4]}</mets:xmlData>{pad[3]}</mets:mdWrap>"
                            f"{pad[2]}</mets:{section}>")


__all__ = ["AGENT", "AGENT_VERSIONED", "DEPTH", "EVENT_DETAIL", "EVENT_END", "EVENT_HEAD", "LINKED_AGENT",
           "LINKED_OBJECT", "OUTCOME", "OUTCOME_END", "OUTCOME_NOTE", "OUTCOME_START", "PREMIS", "PREMIS_XSD",
           "attribute", "compile_template", "content", "object_template", "wrapper"]
