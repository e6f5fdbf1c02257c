"""Keras layers on xlaflow (one layer per file; the base class in ``layer.py``)."""

from xlaflow.layers.activation import Activation  # noqa: F401
from xlaflow.layers.attention import MultiHeadAttention  # noqa: F401
from xlaflow.layers.batch_normalization import BatchNormalization  # noqa: F401
from xlaflow.layers.bidirectional import Bidirectional  # noqa: F401
from xlaflow.layers.conv import Conv1D, Conv2D  # noqa: F401
from xlaflow.layers.conv_transpose import Conv2DTranspose  # noqa: F401
from xlaflow.layers.core_lambda import Lambda  # noqa: F401
from xlaflow.layers.dense import Dense  # noqa: F401
from xlaflow.layers.depthwise import DepthwiseConv2D, SeparableConv2D  # noqa: F401
from xlaflow.layers.dropout import Dropout  # noqa: F401
from xlaflow.layers.embedding import Embedding  # noqa: F401
from xlaflow.layers.gru import GRU, GRUCell  # noqa: F401
from xlaflow.layers.global_pooling import GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D  # noqa: F401
from xlaflow.layers.input_layer import InputLayer  # noqa: F401
from xlaflow.layers.input_spec import InputSpec  # noqa: F401
from xlaflow.layers.layer import Layer  # noqa: F401
from xlaflow.layers.layer_normalization import LayerNormalization  # noqa: F401
from xlaflow.layers.lstm import LSTM, LSTMCell  # noqa: F401
from xlaflow.layers.masking import Masking  # noqa: F401
from xlaflow.layers.merging import Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract  # noqa: F401
from xlaflow.layers.normalization import Normalization  # noqa: F401
from xlaflow.layers.padding import UpSampling2D, ZeroPadding2D  # noqa: F401
from xlaflow.layers.pooling import AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D  # noqa: F401
from xlaflow.layers.reshaping import Flatten, Permute, RepeatVector, Reshape  # noqa: F401
from xlaflow.layers.rnn import RNN  # noqa: F401
from xlaflow.layers.simple_rnn import SimpleRNN, SimpleRNNCell  # noqa: F401
from xlaflow.layers.time_distributed import TimeDistributed  # noqa: F401
from xlaflow.layers.hashing import HashedCrossing, Hashing  # noqa: F401
from xlaflow.layers.integer_lookup import IntegerLookup  # noqa: F401
from xlaflow.layers.string_lookup import StringLookup  # noqa: F401
from xlaflow.layers.text_vectorization import TextVectorization  # noqa: F401
