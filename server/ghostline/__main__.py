"""Entry point for ``python -m ghostline``."""

from ghostline.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
