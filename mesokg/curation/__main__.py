"""``python -m mesokg.curation``: the same as ``mesokg curate``."""

import sys

from mesokg.cli import main

sys.exit(main(["curate", *sys.argv[1:]]))
