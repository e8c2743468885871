"""``python -m archivist`` runs the command line."""

from .cli._entry import main

main()
