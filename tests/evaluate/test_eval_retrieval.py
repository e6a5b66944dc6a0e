"""Bitext retrieval scores on hand-made embeddings, against a brute-force reference."""

from __future__ import annotations

import numpy as np
import pytest

from xlt.evaluate.retrieval import accuracy, bitext_accuracy, bitext_picks, evaluate_retrieval, flat_scores, nearest


def brute_force(src: np.ndarray, tgt: np.ndarray, method: str, k: int) -> list[int]:
    """The definitions, one loop at a time (LASER xSIM: ratio margin over the k cosine candidates)."""
    def cos(a, b):
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))

    n, m = len(src), len(tgt)
    sim = [[cos(src[i], tgt[j]) for j in range(m)] for i in range(n)]
    if method == "cosine":
        return [max(range(m), key=lambda j, i=i: (sim[i][j], -j)) for i in range(n)]
    r_x = [np.mean(sorted(sim[i], reverse=True)[:k]) for i in range(n)]
    r_y = [np.mean(sorted((sim[i][j] for i in range(n)), reverse=True)[:k]) for j in range(m)]
    picks = []
    for i in range(n):
        candidates = sorted(range(m), key=lambda j, i=i: (-sim[i][j], j))[:k]
        picks.append(max(candidates, key=lambda j, i=i: (sim[i][j] / ((r_x[i] + r_y[j]) / 2), -candidates.index(j))))
    return picks


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [1, 3, 4])
def test_cosine_and_margin_match_brute_force(seed, k):
    rng = np.random.default_rng(seed)
    tgt = rng.normal(size=(30, 8))
    src = tgt + rng.normal(scale=1.2, size=tgt.shape)  # noisy translations: some retrieval errors
    hub = tgt.mean(axis=0) * 4
    tgt[7] = hub + rng.normal(scale=0.1, size=8)
    for method in ("cosine", "margin"):
        assert nearest(src, tgt, method, k=k).tolist() == brute_force(src, tgt, method, k)
        assert nearest(tgt, src, method, k=k).tolist() == brute_force(tgt, src, method, k)


def test_margin_fixes_a_hubness_error():
    # target 0 is a hub: close to every source (cosine 0.74-1.0). Source 1's own translation (target 1)
    # is a little further from it than the hub (0.82 < 0.90), so cosine picks the hub; the hub's dense
    # neighbourhood (its k nearest sources) lowers its margin below that of target 1.
    tgt = np.array([[1.0, 1.0, 1.0, 1.0],    # hub (source 0's translation)
                    [0.0, 1.0, 0.0, 0.0],
                    [0.0, 0.0, 1.0, 0.0],
                    [0.0, 0.0, 0.0, 1.0]])
    src = np.array([[1.0, 1.0, 1.0, 1.0],
                    [0.4, 1.0, 0.4, 0.4],
                    [0.3, 0.0, 1.0, 0.3],
                    [0.3, 0.0, 0.3, 1.0]])
    cos = nearest(src, tgt, "cosine")
    margin = nearest(src, tgt, "margin", k=2)
    assert cos[1] == 0, "the hub wins by cosine"
    assert margin.tolist() == [0, 1, 2, 3], "the margin finds every translation"
    assert accuracy(cos) == 0.75 and accuracy(margin) == 1.0
    assert margin.tolist() == brute_force(src, tgt, "margin", 2)


def test_both_directions_and_text_match():
    src = np.eye(3)
    tgt = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # targets 0 and 1 are the same
    picks = bitext_picks(src, tgt)
    assert picks["src->tgt"]["cosine"].tolist() == [0, 0, 2]
    by_index = bitext_accuracy(src, tgt)
    assert by_index["src->tgt"]["cosine"] == pytest.approx(2 / 3)
    by_text = bitext_accuracy(src, tgt, match="text", src_texts=["a", "b", "c"], tgt_texts=["A", "A", "C"])
    assert by_text["src->tgt"]["cosine"] == 1.0  # the duplicate target counts as found


def test_bad_shapes():
    with pytest.raises(ValueError, match="dimensions"):
        nearest(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="aligned pairs"):
        bitext_picks(np.ones((2, 3)), np.ones((3, 3)))


def test_evaluate_retrieval_on_tiny_model_records_prefix(tiny_model):
    pairs = {"de": (["katze", "hund", "haus"], ["cat", "dog", "house"])}
    r = evaluate_retrieval(str(tiny_model), pairs, prefix="query: ")
    assert r["prefix"] == "query: " and r["k"] == 4 and r["pairs"]["de"]["n"] == 3
    assert set(r["pairs"]["de"]) >= {"src->tgt", "tgt->src"}
    assert set(flat_scores(r)) == {"de->en cosine", "de->en margin", "en->de cosine", "en->de margin"}
    same = evaluate_retrieval(str(tiny_model), {"de": (["katze", "hund"], ["katze", "hund"])}, prefix="")
    assert same["prefix"] == "" and same["mean"]["src->tgt"]["cosine"] == 1.0
