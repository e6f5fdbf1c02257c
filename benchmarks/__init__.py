"""Timing figures, each a ratio to a reference measured in the same run.

``MODULES`` lists the benchmark modules in the order ``xlaflow bench`` runs them;
each has ``run() -> list[dict]`` returning rows ``{figure, value, reference, ratio,
target}``.
"""

MODULES = ["tape_and_function", "seed003_loop", "eager_call", "training", "cnn_fit", "data_pipeline", "image_pipeline",
           "session_step", "recurrent", "startup", "custom_step"]
