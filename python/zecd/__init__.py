"""A local Zenlayer Elastic Compute (ZEC) cloud for tests.

``zecd.Server`` runs the ``zecd`` binary that came with this package on a free port with a
temporary data directory; ``server.admin`` drives its clock, faults, state and accounts; the
pytest plugin (``zecd.pytest_plugin``, loaded by pytest on its own) hands out official SDK
clients pointed at it.
"""

from .admin import Admin, Credentials, ZecdError
from .server import Server, binary

__all__ = ["Admin", "Credentials", "Server", "ZecdError", "binary"]
__version__ = "0.1.0"
