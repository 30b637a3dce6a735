"""``python -m nutgraf``: the same command line as the ``nutgraf`` script."""

from nutgraf.cli import main

if __name__ == "__main__":
    main(prog_name="nutgraf")
