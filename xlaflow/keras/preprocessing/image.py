"""``keras.preprocessing.image``: the Pillow image helpers and ``smart_resize`` (re-exports)."""

from xlaflow.utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize  # noqa: F401

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.preprocessing.image")
