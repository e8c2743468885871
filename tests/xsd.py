"""Test helper: validate XML against the official schemas shipped in archivist.schemas, offline.

Remote ``schemaLocation``s (``http://dublincore.org/…/simpledc20021212.xsd``,
``http://www.w3.org/2001/03/xml.xsd``…) resolve to the local copy with the same file name; the
parser never touches the network. ``oai-pmh`` is OAI-PMH.xsd together with the schemas of every payload
and description archivist writes, so its strict wildcards check what ``metadata`` and ``description`` hold.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"

#: Schema names and the shipped file that is the entry point for each.
SCHEMAS: dict[str, str] = {
    "oai_dc": "oai_dc.xsd",
    "dcterms": "archivist-qdc.xsd",
    "oai-pmh": "OAI-PMH.xsd",
    "marcxml": "MARC21slim.xsd",
    "oai-identifier": "oai-identifier.xsd",
    "mods": "mods/mods-3-8.xsd",
    "premis": "premis/premis-v3-0.xsd",
    "mets": "mets/version1121/mets.xsd",
}

#: Schemas compiled together with their entry point, so that its strict wildcards know these namespaces. The
#: qualified DC container comes before oai_dc: DCMI's dc.xsd (which dcterms needs) also serves oai_dc's elements.
COMPANIONS: dict[str, tuple[str, ...]] = {
    "oai-pmh": ("archivist-qdc.xsd", "oai_dc.xsd", "MARC21slim.xsd", "oai-identifier.xsd"),
    # METS alone cannot check what its mdWrap/xmlData holds (PREMIS typed with xsi:type): compiled with PREMIS 3,
    # MODS 3.8 and the qualified DC container (DCMI terms), every wrapped document is checked strictly.
    "mets": ("mods/mods-3-8.xsd", "premis/premis-v3-0.xsd", "archivist-qdc.xsd"),
}


def _schema_dir() -> Path:
    with as_file(files("archivist.schemas")) as path:
        return Path(path)


@cache
def catalog() -> dict[str, Path]:
    """URL → shipped file, from schemas/catalog.xml (http and https alike): for the schemas whose imports name
    files that exist in several versions (xml.xsd, xlink.xsd), resolved by URL and never by file name."""
    directory = _schema_dir()
    ns = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
    found = {}
    for entry in etree.parse(str(directory / "catalog.xml")).getroot().iter(f"{ns}uri"):
        for scheme in ("http://", "https://"):
            found[scheme + entry.get("name", "").split("://", 1)[1]] = directory / entry.get("uri", "")
    return found


class _LocalResolver(etree.Resolver):
    """Serves a schema URL from the catalog, a shipped schema by its path, any other by the shipped copy with the
    same file name; refuses (rather than fetches) the rest."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    # lxml-stubs give Resolver.resolve no context argument and Resolver no resolve_filename; lxml has both
    def resolve(self, url: str, pubid: str | None, context: Any) -> Any:  # type: ignore[override]
        path = Path(url.removeprefix("file://"))
        local = catalog().get(url)
        if local is None and path.is_relative_to(self.directory) and path.is_file():
            local = path  # an entry point in a subfolder, named by its path
        if local is None:
            local = self.directory / url.rstrip("/").rsplit("/", 1)[-1]
        if local.is_file():
            return self.resolve_filename(str(local), context)  # type: ignore[attr-defined]
        raise LookupError(f"schema {url!r} is not shipped with archivist and will not be fetched")


@cache
def load_schema(name: str) -> etree.XMLSchema:
    """The compiled XMLSchema for one of SCHEMAS, built from the local copies only."""
    if name not in SCHEMAS:
        raise LookupError(f"unknown XML schema {name!r}; known: {', '.join(sorted(SCHEMAS))}")
    directory = _schema_dir()
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalResolver(directory))
    companions = COMPANIONS.get(name, ())
    if not companions:
        return etree.XMLSchema(etree.parse(str(directory / SCHEMAS[name]), parser))
    driver = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS})
    for file in (*companions, SCHEMAS[name]):
        namespace = etree.parse(str(directory / file), parser).getroot().get("targetNamespace")
        etree.SubElement(driver, f"{{{XS}}}import", namespace=namespace or "", schemaLocation=file)
    base = (directory / "driver.xsd").as_uri()  # the imports' schemaLocations are relative to the folder
    return etree.XMLSchema(etree.fromstring(etree.tostring(driver), parser, base_url=base))


def validation_errors(xml: bytes, schema: str) -> list[str]:
    """Every error the schema reports for ``xml`` (empty when valid)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    try:
        doc = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    compiled = load_schema(schema)
    if compiled.validate(doc):
        return []
    errors = compiled.error_log  # lxml-stubs do not say an error log iterates over its entries; it does
    return [f"line {e.line}: {e.message}" for e in errors]  # type: ignore[attr-defined]



@cache
def _xmlschema(name: str) -> Any:
    """The same schema (and companions) compiled by xmlschema, a second engine, from the shipped copies: every URL
    an import names is mapped to its file (the catalog, else the shipped copy of that name); nothing is fetched."""
    import xmlschema

    directory = _schema_dir()
    files = [*COMPANIONS.get(name, ()), SCHEMAS[name]]

    def local(url: str) -> str:
        found = catalog().get(url)
        if found is None and url.startswith(("http://", "https://")):
            found = directory / url.rstrip("/").rsplit("/", 1)[-1]
        return found.as_uri() if found is not None else url

    entry = directory / files[-1]
    others = [(etree.parse(str(directory / f)).getroot().get("targetNamespace"), (directory / f).as_uri())
              for f in files[:-1]]
    return xmlschema.XMLSchema10(str(entry), locations=others, uri_mapper=local, allow="local")


def second_engine_errors(xml: bytes, schema: str) -> list[str]:
    """Every error xmlschema (a validator independent of libxml2) reports for ``xml`` against ``schema``."""
    compiled = _xmlschema(schema)
    return [str(error.reason or error) + f" at {error.path}" for error in compiled.iter_errors(xml.decode("utf-8"))]
