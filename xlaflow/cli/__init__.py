"""The ``xlaflow`` command: ``xlaflow demo`` (the main job) and what grows around it."""
