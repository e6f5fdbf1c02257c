"""Test-wide settings, applied before xlaflow is imported.

The persistent compilation cache is off in the suite (``XLAFLOW_COMPILATION_CACHE=0``),
so a test's compile counts do not depend on what an earlier run left on disk;
``tests/engine/test_persistent.py`` turns it on in its own subprocesses.
"""

import os

os.environ.setdefault("XLAFLOW_COMPILATION_CACHE", "0")
