"""Vocabulary extension: add target-language pieces to a SentencePiece-Unigram tokenizer and give each new
piece an embedding built from the old model, not a random one.

Steps (:func:`extend_vocabulary`):

1. **Learn pieces.** A fresh Unigram model is trained (``tokenizers``' ``UnigramTrainer``) on the target
   corpus with the *old* tokenizer's normaliser and pre-tokeniser, so that its pieces are written the way
   the old tokenizer writes text (``▁`` marks a word start).
2. **Pick new pieces.** Its pieces that the old vocabulary lacks, most probable first; the first
   ``new_tokens`` are added. Only pieces of 2+ characters made of letters (an optional leading ``▁``) are
   taken: the old pre-tokeniser splits on whitespace only, so the learner also finds pieces such as
   ``▁werden.`` that glue punctuation to words, which SentencePiece's script splitting never makes.
3. **Add them to the tokenizer.** They are appended to the Unigram model's vocabulary in
   ``tokenizer.json`` (so old ids do not move and the pieces take part in ordinary segmentation, unlike
   ``add_tokens``, which would match them anywhere as whole strings). A new piece's score is the score
   of the old pieces it replaces, summed, plus ``score_bonus`` (default 1): Viterbi segmentation then
   prefers the new piece exactly where it would otherwise use those old pieces.
4. **Initialise embeddings.** ``old pieces`` of a new piece = how the *old* Unigram model segments the
   same string. ``init="mean"``: the mean of their input embeddings. ``init="focus"``: in the spirit of
   FOCUS (Dobler & de Melo, 2023): a convex combination of *old* tokens' embeddings, weighted by
   ``sparsemax`` of the similarity between the new piece and each old token in an auxiliary space learned
   on the target corpus. FOCUS learns that space with fastText; here it is PPMI + truncated SVD of
   piece co-occurrences (window 2) in the corpus tokenised with the extended tokenizer (no fastText
   dependency; noisier on small corpora). New pieces too rare for the auxiliary space (fewer than
   ``min_count`` occurrences) fall back to ``mean``; their number is reported. WECHSEL (Minixhofer et al.,
   2022) is the same idea with bilingual static embeddings and a softmax over the k nearest old tokens;
   no bilingual embeddings are available offline here, so it is not implemented.
5. **Save** model + tokenizer + xlt model card (+ ``vocab_extension.json``); the folder loads with
   ``AutoModel``/``AutoTokenizer`` and works as ``model.name`` in ``xlt train``.

Fertility (sub-tokens per word) before and after is measured on the corpus and, if given, held-out text.

>>> sparsemax(np.array([2.0, 1.0, -1.0])).tolist()
[1.0, 0.0, 0.0]
>>> sparsemax(np.array([0.5, 0.4, -1.0])).round(2).tolist()
[0.55, 0.45, 0.0]
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from xlt.errors import ConfigError, ModelError
from xlt.io import write_json, write_text
from xlt.model.info import tokenizer_stats
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.model.spec import ModelSpec

log = logging.getLogger("xlt")

Init = Literal["mean", "focus"]
INITS: tuple[str, ...] = ("mean", "focus")
REPORT_FILE = "vocab_extension.json"


def sparsemax(z: np.ndarray) -> np.ndarray:
    """Sparsemax (Martins & Astudillo, 2016): the Euclidean projection of ``z`` onto the probability
    simplex; like softmax, but most weights are exactly 0 (FOCUS uses it to pick a few similar tokens).
    Written out because it is 6 lines and no installed library has it for numpy."""
    z = np.asarray(z, dtype=np.float64)
    s = np.sort(z)[::-1]
    cumulative = np.cumsum(s)
    k = np.arange(1, len(z) + 1)
    support = 1 + k * s > cumulative
    k_z = k[support][-1]
    tau = (cumulative[k_z - 1] - 1) / k_z
    return np.maximum(z - tau, 0.0)


@dataclass
class Extension:
    """What :func:`extend_vocabulary` did: the pieces added (new id -> piece), their old pieces, the
    initialisation, and fertility before/after."""

    added: dict[int, str]
    old_pieces: dict[str, list[str]]
    init: str
    fertility: dict[str, dict[str, Any]] = field(default_factory=dict)
    mean_fallback: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"added": len(self.added), "init": self.init, "mean_fallback": self.mean_fallback,
                "fertility": self.fertility, **self.details,
                "pieces": [{"id": i, "piece": p, "old_pieces": self.old_pieces[p]} for i, p in self.added.items()]}


def learn_pieces(tokenizer: Any, texts: Iterable[str], *, vocab_size: int) -> list[tuple[str, float]]:
    """(piece, log-probability) of a Unigram model trained on ``texts`` with ``tokenizer``'s normaliser and
    pre-tokeniser (so pieces are written as the old tokenizer writes them), most probable first."""
    from tokenizers import Tokenizer, models, trainers

    backend = tokenizer.backend_tokenizer
    learner = Tokenizer(models.Unigram())
    learner.normalizer = backend.normalizer
    learner.pre_tokenizer = backend.pre_tokenizer
    trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=[], max_piece_length=16,
                                      show_progress=False)
    learner.train_from_iterator(texts, trainer)
    vocab = json.loads(learner.to_str())["model"]["vocab"]
    return sorted(((p, float(s)) for p, s in vocab), key=lambda ps: -ps[1])


def _unigram_json(tokenizer: Any) -> dict[str, Any]:
    state = json.loads(tokenizer.backend_tokenizer.to_str())
    if state.get("model", {}).get("type") != "Unigram":
        raise ModelError(f"vocabulary extension needs a SentencePiece-Unigram tokenizer (XLM-R, e5, mT5); this "
                         f"one is {state.get('model', {}).get('type')!r}")
    return state


def choose_new_pieces(tokenizer: Any, learned: Sequence[tuple[str, float]], n: int) -> list[str]:
    """The first ``n`` learned pieces the tokenizer's vocabulary lacks: 2+ characters, letters only (after an
    optional leading ``▁``), and not made only of characters the old model cannot write."""
    vocab = tokenizer.get_vocab()
    model = tokenizer.backend_tokenizer.model
    unk = tokenizer.unk_token_id
    out: list[str] = []
    for piece, _ in learned:
        if len(out) >= n:
            break
        word = piece.replace("▁", "")
        if piece in vocab or len(piece) < 2 or not word.isalpha() or "▁" in piece[1:]:
            continue  # letters only: the old pre-tokeniser keeps punctuation on words ("werden."), XLM-R does not
        if all(t.id == unk for t in model.tokenize(piece)):
            continue
        out.append(piece)
    return out


def old_segmentation(tokenizer: Any, piece: str) -> list[tuple[str, int]]:
    """How the tokenizer's own Unigram model segments the string of ``piece`` (``▁`` included)."""
    return [(t.value, t.id) for t in tokenizer.backend_tokenizer.model.tokenize(piece)]


def add_pieces(tokenizer_dir: Path, tokenizer: Any, pieces: Sequence[str], *, score_bonus: float = 1.0) -> None:
    """Append ``pieces`` to the Unigram vocabulary of ``tokenizer_dir/tokenizer.json`` (ids after the last
    id, old ids unchanged); each scores as the old pieces it replaces, plus ``score_bonus``."""
    state = _unigram_json(tokenizer)
    vocab = state["model"]["vocab"]
    scores = {p: s for p, s in vocab}
    top = max([len(vocab) - 1, *(t["id"] for t in state.get("added_tokens", []))])
    if top != len(vocab) - 1:
        raise ModelError(f"the tokenizer has added tokens beyond its Unigram vocabulary (id {top} > "
                         f"{len(vocab) - 1}); extending it would give two tokens one id")
    for piece in pieces:
        old = old_segmentation(tokenizer, piece)
        vocab.append([piece, sum(scores.get(value, -20.0) for value, _ in old) + score_bonus])
    write_text(tokenizer_dir / "tokenizer.json", json.dumps(state, ensure_ascii=False))


def fertility(tokenizer: Any, texts: Sequence[str]) -> dict[str, Any]:
    """Sub-tokens per whitespace word and per character, and the ``<unk>`` rate (see :mod:`xlt.model.info`)."""

    return tokenizer_stats(texts, tokenize=lambda t: tokenizer(t, add_special_tokens=False)["input_ids"],
                           unk_id=tokenizer.unk_token_id, max_length=10**9)


def _cooccurrence_space(token_ids: list[list[int]], *, min_count: int, dim: int, window: int = 2,
                        seed: int = 0) -> tuple[dict[int, int], np.ndarray]:
    """Token id -> row, and unit vectors from truncated SVD of the PPMI matrix of co-occurrences."""
    from scipy.sparse import coo_matrix
    from sklearn.decomposition import TruncatedSVD

    counts = Counter(t for ids in token_ids for t in ids)
    kept = sorted(t for t, c in counts.items() if c >= min_count)
    row = {t: i for i, t in enumerate(kept)}
    pairs: Counter[tuple[int, int]] = Counter()
    for ids in token_ids:
        for i, a in enumerate(ids):
            if a not in row:
                continue
            for b in ids[max(0, i - window):i] + ids[i + 1:i + 1 + window]:
                if b in row:
                    pairs[(row[a], row[b])] += 1
    if not pairs or len(kept) < 3:
        raise ConfigError("the corpus is too small for the focus initialisation (too few co-occurrences); "
                          "give more text or use --init mean")
    (rows, cols), vals = zip(*pairs.keys(), strict=True), np.fromiter(pairs.values(), dtype=np.float64)
    m = coo_matrix((vals, (rows, cols)), shape=(len(kept), len(kept))).tocsr()
    row_sum = np.asarray(m.sum(axis=1)).ravel()
    col_sum = np.asarray(m.sum(axis=0)).ravel() ** 0.75  # context-distribution smoothing (Levy et al. 2015)
    m = m.tocoo()
    pmi = np.log(m.data * col_sum.sum() / (row_sum[m.row] * col_sum[m.col]))  # log P(a,c) / (P(a) P_0.75(c))
    ppmi = coo_matrix((np.maximum(pmi, 0.0), (m.row, m.col)), shape=m.shape).tocsr()
    k = max(2, min(dim, len(kept) - 1))
    vectors = TruncatedSVD(n_components=k, random_state=seed).fit_transform(ppmi)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return row, vectors / np.where(norms > 0, norms, 1.0)


def extend_vocabulary(model: str | Path, texts: Sequence[str], out: str | Path, *, new_tokens: int,
                      init: Init = "mean", lang: str | None = None, learn_vocab_size: int | None = None,
                      heldout: Sequence[str] | None = None, score_bonus: float = 1.0, min_count: int = 3,
                      aux_dim: int = 100, seed: int = 0) -> Extension:
    """Extend ``model``'s tokenizer with up to ``new_tokens`` pieces learned from ``texts`` and save the
    model with initialised embeddings at ``out`` (see the module docstring). ``learn_vocab_size``: size
    of the Unigram model trained on ``texts`` (default ``max(2 * new_tokens, 8000)``)."""
    import torch
    from transformers import AutoTokenizer

    if init not in INITS:
        raise ConfigError(f"unknown --init {init!r}; use one of {list(INITS)}")
    if new_tokens < 1:
        raise ConfigError(f"--new-tokens must be at least 1, got {new_tokens}")
    texts = [t for t in texts if t.strip()]
    if not texts:
        raise ConfigError("the corpus has no text")
    out = Path(out)
    spec = ModelSpec(name=str(model))
    tokenizer = load_tokenizer(spec)
    encoder = load_encoder(spec)
    old_len = len(tokenizer)
    if encoder.get_input_embeddings().weight.shape[0] < old_len:
        raise ModelError(f"{model}: the embedding matrix has fewer rows than the tokenizer has tokens")

    learned = learn_pieces(tokenizer, texts, vocab_size=learn_vocab_size or max(2 * new_tokens, 8000))
    pieces = choose_new_pieces(tokenizer, learned, new_tokens)
    if not pieces:
        raise ConfigError("the corpus taught no piece the tokenizer lacks; nothing to add")
    log.info("adding %d pieces (asked for %d), e.g. %s", len(pieces), new_tokens, pieces[:8])

    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(out)
    add_pieces(out, tokenizer, pieces, score_bonus=score_bonus)
    new_tokenizer = AutoTokenizer.from_pretrained(out)
    new_tokenizer.model_max_length = tokenizer.model_max_length
    new_ids = {new_tokenizer.convert_tokens_to_ids(p): p for p in pieces}
    expected = list(range(old_len, old_len + len(pieces)))
    if sorted(new_ids) != expected:
        raise ModelError(f"the new pieces got ids {sorted(new_ids)[:5]}..., expected {expected[:5]}...")

    old_pieces = {p: old_segmentation(tokenizer, p) for p in pieces}
    weight = encoder.get_input_embeddings().weight.detach().clone()
    rows = {p: weight[[i for _, i in old]].mean(dim=0) for p, old in old_pieces.items()}
    fallback = 0
    details: dict[str, Any] = {"learned_vocab_size": len(learned), "score_bonus": score_bonus,
                               "base_model": str(model), "lang": lang}
    if init == "focus":
        ids = [new_tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
        row_of, aux = _cooccurrence_space(ids, min_count=min_count, dim=aux_dim, seed=seed)
        specials = set(tokenizer.all_special_ids)
        old_rows = [(t, r) for t, r in row_of.items() if t < old_len and t not in specials]
        old_ids = torch.tensor([t for t, _ in old_rows])
        old_aux = aux[[r for _, r in old_rows]]
        weights_used = []
        for i, p in new_ids.items():
            if i not in row_of:
                fallback += 1
                continue
            w = sparsemax(old_aux @ aux[row_of[i]])
            keep = np.nonzero(w)[0]
            rows[p] = (torch.tensor(w[keep], dtype=weight.dtype)[:, None] * weight[old_ids[keep]]).sum(dim=0)
            weights_used.append(len(keep))
        details.update({"aux_space": f"PPMI-SVD, {aux.shape[1]} dims, {len(row_of)} tokens with >= {min_count} "
                                     "occurrences", "mean_old_tokens_per_new": float(np.mean(weights_used or [0]))})

    encoder.resize_token_embeddings(len(new_tokenizer), mean_resizing=False)
    with torch.no_grad():
        emb = encoder.get_input_embeddings().weight
        for i, p in new_ids.items():
            emb[i] = rows[p]
    encoder.save_pretrained(out)
    new_tokenizer.save_pretrained(out)
    card = spec.card().model_copy(update={
        "name": str(out), "description": f"{model} with {len(pieces)} {lang or 'target'}-language pieces "
        f"added ({init} initialisation)"})
    card.write(out)

    report = Extension(added=new_ids, old_pieces={p: [v for v, _ in o] for p, o in old_pieces.items()}, init=init,
                       mean_fallback=fallback, details=details)
    measured = {"corpus": texts, **({"heldout": list(heldout)} if heldout else {})}
    for name, sample in measured.items():
        report.fertility[name] = {"before": fertility(tokenizer, sample), "after": fertility(new_tokenizer, sample)}
    write_json(out / REPORT_FILE, report.as_dict())
    return report
