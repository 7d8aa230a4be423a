"""`python -m raqib ...` runs the same command line as `raqib ...`."""

from raqib.cli import main

main()
