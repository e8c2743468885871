"""``python -m archivist`` runs the command line."""

from .cli import main

main()
