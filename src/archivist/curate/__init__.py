"""Curation after capture: a spreadsheet round trip of descriptive metadata, replacing a record while keeping its
earlier version, and withdrawing records behind a tombstone that harvesters see."""

from ._commit import recover
from ._history import replace_in_place, stage_replacement
from ._layout import HISTORY, WITHDRAWN, CurationError
from ._sheet import SheetInvalid, SheetReport, export_sheet, import_sheet, write_sheet
from ._withdraw import Tombstone, tombstone_files, tombstones, withdraw, withdrawn

__all__ = ["HISTORY", "WITHDRAWN", "CurationError", "SheetInvalid", "SheetReport", "Tombstone", "export_sheet",
           "import_sheet", "recover", "replace_in_place", "stage_replacement", "tombstone_files", "tombstones",
           "withdraw", "withdrawn", "write_sheet"]
