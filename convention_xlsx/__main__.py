"""``python -m convention_xlsx`` runs the command-line tool."""

from .cli import main

main()
