"""``xlaflow.image`` (``tf.image``): resizing, crops, flips, colour adjustments and codecs.

Re-exports only. The tensor functions are xlaflow ops (one pure JAX implementation
each), so they run eagerly on Tensors and NumPy arrays, inside ``@function`` and
``Dataset.map``, on graph placeholders, and record on ``GradientTape`` (they are
differentiable where TF's are). Values follow TensorFlow 2's kernels (checked
against TF goldens in ``tests/image``). The codecs (``decode_*``/``encode_*``) run on
the host through Pillow.
"""

from xlaflow.image.adjust import adjust_brightness, adjust_contrast, adjust_gamma, per_image_standardization
from xlaflow.image.codecs import decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png, is_jpeg
from xlaflow.image.color import adjust_hue, adjust_saturation, grayscale_to_rgb, hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv
from xlaflow.image.convert import convert_image_dtype
from xlaflow.image.crop import (
    central_crop,
    crop_to_bounding_box,
    pad_to_bounding_box,
    random_crop,
    resize_with_crop_or_pad,
    stateless_random_crop,
)
from xlaflow.image.flip import (
    flip_left_right,
    flip_up_down,
    random_flip_left_right,
    random_flip_up_down,
    rot90,
    stateless_random_flip_left_right,
    stateless_random_flip_up_down,
    transpose,
)
from xlaflow.image.random_adjust import (
    random_brightness,
    random_contrast,
    random_hue,
    random_saturation,
    stateless_random_brightness,
    stateless_random_contrast,
    stateless_random_hue,
    stateless_random_saturation,
)
from xlaflow.image.resize import ResizeMethod, resize, resize_with_pad

__all__ = [
    "ResizeMethod", "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue", "adjust_saturation",
    "central_crop", "convert_image_dtype", "crop_to_bounding_box", "decode_bmp", "decode_gif", "decode_image",
    "decode_jpeg", "decode_png", "encode_jpeg", "encode_png", "flip_left_right", "flip_up_down", "grayscale_to_rgb",
    "hsv_to_rgb", "is_jpeg", "pad_to_bounding_box", "per_image_standardization", "random_brightness", "random_contrast",
    "random_crop", "random_flip_left_right", "random_flip_up_down", "random_hue", "random_saturation", "resize",
    "resize_with_crop_or_pad", "resize_with_pad", "rgb_to_grayscale", "rgb_to_hsv", "rot90",
    "stateless_random_brightness", "stateless_random_contrast", "stateless_random_crop",
    "stateless_random_flip_left_right", "stateless_random_flip_up_down", "stateless_random_hue",
    "stateless_random_saturation", "transpose",
]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.image")
