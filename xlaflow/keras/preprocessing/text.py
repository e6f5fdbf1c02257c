"""``keras.preprocessing.text``: Keras 2's legacy text utilities (still in many scripts).

``Tokenizer`` builds a word index by frequency (most frequent word first, index 1;
ties keep first-seen order) with ``fit_on_texts``, then turns texts into index lists
(``texts_to_sequences``) or ``(n, num_words)`` matrices (``texts_to_matrix`` in
``"binary"``, ``"count"``, ``"freq"`` or ``"tfidf"`` mode) and back
(``sequences_to_texts``). ``num_words`` keeps indices below it (the rest become the
``oov_token`` or are dropped), ``char_level`` splits characters, and ``to_json``/
``tokenizer_from_json`` save and restore it. ``text_to_word_sequence``, ``one_hot``
and ``hashing_trick`` are the module functions. All of it is Keras 2's behaviour,
checked against ``tf_keras`` 2.21 goldens; as in Keras 2, ``one_hot`` uses Python's
``hash``, which differs between processes unless ``PYTHONHASHSEED`` is set
(``hashing_trick(..., hash_function="md5")`` is stable).
"""

from __future__ import annotations

import collections
import hashlib
import json
from typing import Any, Callable, Iterator

import numpy as np

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MODES = ("binary", "count", "freq", "tfidf")


def text_to_word_sequence(input_text: str, filters: str = FILTERS, lower: bool = True, split: str = " ") -> list:
    """The words of ``input_text``: optionally lowercased, every ``filters`` character
    turned into ``split``, split on ``split``, empty words dropped."""
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in input_text.split(split) if w]


def hashing_trick(text: str, n: int, hash_function: Any = None, filters: str = FILTERS, lower: bool = True,
                  split: str = " ", analyzer: Callable | None = None) -> list:
    """Each word's ``hash_function(word) % (n - 1) + 1`` (Python's ``hash`` by default, or ``"md5"``)."""
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = lambda w: int(hashlib.md5(w.encode()).hexdigest(), 16)  # noqa: E731
    seq = analyzer(text) if analyzer is not None else text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [hash_function(w) % (n - 1) + 1 for w in seq]


def one_hot(input_text: str, n: int, filters: str = FILTERS, lower: bool = True, split: str = " ",
            analyzer: Callable | None = None) -> list:
    """``hashing_trick`` with Python's ``hash`` (Keras 2's misnamed word hashing)."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower, split=split, analyzer=analyzer)


class Tokenizer:
    """Keras 2's text tokenizer (see the module docstring).

    Args:
      num_words: keep the ``num_words - 1`` most frequent words when converting.
      filters: characters removed (replaced by ``split``) before splitting.
      lower: lowercase the texts.
      split: the word separator.
      char_level: every character is a token.
      oov_token: a token (index 1) that replaces out-of-vocabulary words.
      analyzer: a callable splitting a text into tokens (instead of the rules above).
    """

    def __init__(self, num_words: int | None = None, filters: str = FILTERS, lower: bool = True, split: str = " ",
                 char_level: bool = False, oov_token: Any = None, analyzer: Callable | None = None, **kwargs: Any):
        if "nb_words" in kwargs:
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Tokenizer: unrecognized keyword arguments: {sorted(kwargs)}")
        self.word_counts: dict = collections.OrderedDict()
        self.word_docs: dict = collections.defaultdict(int)
        self.filters, self.split, self.lower = filters, split, lower
        self.num_words, self.document_count = num_words, document_count
        self.char_level, self.oov_token, self.analyzer = char_level, oov_token, analyzer
        self.index_docs: dict = collections.defaultdict(int)
        self.word_index: dict = {}
        self.index_word: dict = {}

    def _tokens(self, text: Any) -> list:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        if self.analyzer is not None:
            return self.analyzer(text)
        if not isinstance(text, str):
            raise TypeError(f"Tokenizer: each text must be a str (or a list of tokens). Received: {type(text).__name__}")
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower, split=self.split)

    def fit_on_texts(self, texts: Any) -> None:
        """Counts the words of ``texts`` and (re)builds ``word_index`` by frequency."""
        if isinstance(texts, str):
            raise TypeError("Tokenizer.fit_on_texts: argument `texts` must be a list of strings, not one string")
        for text in texts:
            self.document_count += 1
            seq = self._tokens(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        ranked = sorted(self.word_counts.items(), key=lambda kv: kv[1], reverse=True)  # stable: ties in first-seen order
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [w for w, _ in ranked]
        self.word_index = {w: i for i, w in enumerate(vocabulary, start=1)}
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences: Any) -> None:
        """Counts in how many sequences each index occurs (for ``"tfidf"`` matrices)."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts: Any) -> list:
        """Each text as a list of word indices."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts: Any) -> Iterator[list]:
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            vect = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                if i is not None and not (self.num_words and i >= self.num_words):
                    vect.append(i)
                elif oov is not None and (i is not None or self.oov_token is not None):
                    vect.append(oov)
            yield vect

    def sequences_to_texts(self, sequences: Any) -> list:
        """Each index list back as a space-joined text."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences: Any) -> Iterator[str]:
        oov = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None and not (self.num_words and num >= self.num_words):
                    words.append(word)
                elif oov is not None and (word is not None or self.oov_token is not None):
                    words.append(self.index_word[oov])
            yield " ".join(words)

    def texts_to_matrix(self, texts: Any, mode: str = "binary") -> np.ndarray:
        """``(len(texts), num_words)`` float64 rows in ``mode`` (binary/count/freq/tfidf)."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences: Any, mode: str = "binary") -> np.ndarray:
        if mode not in MODES:
            raise ValueError(f"Unknown vectorization mode: {mode!r}; expected one of {MODES}")
        if not self.num_words:
            if not self.word_index:
                raise ValueError("Specify a dimension (`num_words` argument), or fit on some text data first.")
            num_words = len(self.word_index) + 1
        else:
            num_words = self.num_words
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            counts = collections.Counter(j for j in seq if j < num_words)
            for j, c in counts.items():
                if mode == "count":
                    x[i][j] = c
                elif mode == "freq":
                    x[i][j] = c / len(seq)
                elif mode == "binary":
                    x[i][j] = 1
                else:
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i][j] = (1 + np.log(c)) * idf
        return x

    def get_config(self) -> dict:
        return {
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
            "char_level": self.char_level, "oov_token": self.oov_token, "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs: Any) -> str:
        """The tokenizer as JSON (``tokenizer_from_json`` restores it)."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """A Tokenizer from :meth:`Tokenizer.to_json` output (Keras 2's format)."""
    config = dict(json.loads(json_string).get("config"))
    word_counts = json.loads(config.pop("word_counts"))
    word_docs = json.loads(config.pop("word_docs"))
    index_docs = {int(k): v for k, v in json.loads(config.pop("index_docs")).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop("index_word")).items()}
    word_index = json.loads(config.pop("word_index"))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts, tokenizer.word_docs, tokenizer.index_docs = word_counts, word_docs, index_docs
    tokenizer.word_index, tokenizer.index_word = word_index, index_word
    return tokenizer


__all__ = ["Tokenizer", "hashing_trick", "one_hot", "text_to_word_sequence", "tokenizer_from_json"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.preprocessing.text")
