"""`python -m tm` runs the command line."""

from tm.cli import main

main()
