import sys

from graph_rec.cli import main

sys.exit(main())
