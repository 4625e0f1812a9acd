import sys

from mesokg.cli import main

sys.exit(main())
