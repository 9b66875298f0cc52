"""``python -m zecd serve ...``: runs the zecd binary of this package with the arguments given."""

import os
import sys

from .server import binary


def main() -> None:
    path = binary()
    # The binary takes this process's place: signals and exit status are its own.
    os.execv(path, [path, *sys.argv[1:]])


if __name__ == "__main__":
    main()
