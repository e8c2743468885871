"""Default values the command line shows in its help and the library uses: one place, free of heavy imports.

The command line reads its option defaults from here so that ``archivist --help`` need not import the modules
that use them (the OAI-PMH server, the WARC reader, the package writers); those modules import them from here too.
"""

from __future__ import annotations

#: Where nobody can be reached (RFC 2606): the placeholder repository of packages and of the OAI-PMH server.
PLACEHOLDER_REPOSITORY_ID = "archivist.invalid"
#: The OAI-PMH base URL a package names when none is given (a placeholder, like the repository id).
PACKAGE_BASE_URL = f"http://{PLACEHOLDER_REPOSITORY_ID}/oai"

#: The OAI-PMH server's Identify answers and paging when none is given.
REPOSITORY_NAME = "archivist repository"
REPOSITORY_BASE_URL = "http://localhost:8080/oai"
ADMIN_EMAIL = "admin@example.invalid"
PAGE_SIZE = 100
#: Seconds the OAI-PMH server keeps an idle or stalled connection open.
TIMEOUT_SECONDS = 30.0

#: The largest WARC record payload (after undoing gzip or a content coding) read into memory, in bytes.
MAX_WARC_RECORD_SIZE = 100 * 1024 * 1024

#: The built-in export formats and catalog packages by name, each as ``module:attribute``: the registries
#: (``archivist.exporters``, ``archivist.packages``) import one when first asked for it, and ``export --help`` lists
#: the names from here without importing any.
FORMATS = {name: f"archivist.exporters.{name.replace('-', '_')}:EXPORTER"
           for name in ("oai_dc", "dcterms", "jsonld", "epub", "marcxml", "marc21", "mods", "csl-json", "bibtex",
                        "ris", "datacite", "mets")}  # METS last: it lists the files of the formats before it
PACKAGES = {"oai-static": "archivist.packages.oai_static:OaiStatic",
            "dspace-saf": "archivist.packages.dspace_saf:DspaceSaf",
            "archivematica": "archivist.packages.archivematica:Archivematica",
            "marc21-collection": "archivist.packages.marc_collection:Marc21Collection",
            "marcxml-collection": "archivist.packages.marc_collection:MarcxmlCollection",
            "mods-collection": "archivist.packages.mods_collection:ModsCollection",
            "bagit": "archivist.packages.bagit:Bagit"}
