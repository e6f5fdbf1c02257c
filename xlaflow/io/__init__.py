"""``xlaflow.io`` (``tf.io``): reading and writing files, image codecs, and ``gfile``.

Re-exports only: files in :mod:`xlaflow.io.files`, ``gfile`` in :mod:`xlaflow.io.gfile`,
and the image codecs of :mod:`xlaflow.image.codecs` under their ``tf.io`` names.
"""

from xlaflow.image.codecs import decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png, is_jpeg
from xlaflow.io import gfile
from xlaflow.io.files import read_file, write_file

__all__ = ["decode_bmp", "decode_gif", "decode_image", "decode_jpeg", "decode_png", "encode_jpeg", "encode_png", "gfile",
           "is_jpeg", "read_file", "write_file"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.io")
