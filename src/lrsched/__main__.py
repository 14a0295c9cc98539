"""``python -m lrsched``: the ``lrsched`` command."""

from ._cli import main

raise SystemExit(main())
