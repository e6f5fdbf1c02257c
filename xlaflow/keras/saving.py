"""``keras.saving``: saving and safe loading (re-exports of :mod:`xlaflow.saving`)."""

from xlaflow.saving import (  # noqa: F401
    CustomObjectScope,
    LoadError,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    load_model,
    load_weights,
    register_keras_serializable,
    save_model,
    save_weights,
    serialize_keras_object,
)

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.saving")
