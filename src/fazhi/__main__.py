"""``python -m fazhi`` runs the command-line interface."""

from fazhi.cli import main

raise SystemExit(main())
