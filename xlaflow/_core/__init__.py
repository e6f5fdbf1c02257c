"""Lowest layer of xlaflow: dtypes, shapes, specs, errors, config and the state scope.

Nothing here depends on the op set; everything above depends on this.
"""
