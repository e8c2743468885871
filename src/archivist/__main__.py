"""``python -m archivist`` runs the command line."""

from ._entry import main

main()
