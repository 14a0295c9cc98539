"""``python -m lrsched``: the ``lrsched`` command."""

from .cli.main import main

raise SystemExit(main())
