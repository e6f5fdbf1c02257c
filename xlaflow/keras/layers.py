"""``keras.layers``: the layers xlaflow has so far (re-exports of :mod:`xlaflow.layers`)."""

from xlaflow.layers import Dense, InputSpec, Layer  # noqa: F401
from xlaflow.layers.symbolic_call import Input  # noqa: F401
from xlaflow.layers import (  # noqa: F401
    AveragePooling1D, AveragePooling2D, Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, GlobalAveragePooling1D,
    GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D, SeparableConv2D,
)
from xlaflow.layers import (  # noqa: F401
    Activation, Add, Average, Concatenate, Dot, Dropout, Embedding, Flatten, Maximum, Minimum, Multiply, Permute,
    RepeatVector, Reshape, Subtract, UpSampling2D, ZeroPadding2D,
)
from xlaflow.layers import (  # noqa: F401
    GRU, LSTM, RNN, Bidirectional, GRUCell, LSTMCell, Masking, SimpleRNN, SimpleRNNCell,
)
from xlaflow.layers import (  # noqa: F401
    BatchNormalization, InputLayer, Lambda, LayerNormalization, MultiHeadAttention, Normalization, TimeDistributed,
)
from xlaflow.layers import HashedCrossing, Hashing, IntegerLookup, StringLookup, TextVectorization  # noqa: F401

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.layers")
