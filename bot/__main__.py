"""`python -m bot` is the same as the `berdaya` console script."""

from bot.cli import main

raise SystemExit(main())
