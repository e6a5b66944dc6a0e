"""A tiny Marian translation model built from scratch: SentencePiece trained on the data, random weights."""

from __future__ import annotations

import json
from pathlib import Path


def build_tiny_marian(path: Path, texts: list[str], *, vocab_size: int = 1000, d_model: int = 128,
                      layers: int = 2, seed: int = 0, pre_norm: bool = False, dropout: float = 0.1) -> Path:
    """Train a shared SentencePiece unigram model on ``texts`` and save a random tiny ``MarianMTModel``.

    ``pre_norm``: the same sizes as an ``MBartForConditionalGeneration`` instead, whose layer norms come
    before each block (Marian's come after): it trains at a higher learning rate without stalling.
    """
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer, MBartConfig, MBartForConditionalGeneration

    path.mkdir(parents=True, exist_ok=True)
    corpus = path / "corpus.txt"
    corpus.write_text("\n".join(texts) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(path / "spm"), vocab_size=vocab_size,
                                   model_type="unigram", character_coverage=1.0, num_threads=2,
                                   pad_id=-1, bos_id=-1, eos_id=-1, unk_id=0, minloglevel=2)
    corpus.unlink()
    processor = spm.SentencePieceProcessor(model_file=str(path / "spm.model"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocab = {"</s>": 0, "<unk>": 1, "<pad>": 2}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    (path / "spm-vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(str(path / "spm.model"), str(path / "spm.model"), str(path / "spm-vocab.json"),
                                model_max_length=128)
    torch.manual_seed(seed)
    sizes = dict(vocab_size=len(vocab), d_model=d_model, encoder_layers=layers, decoder_layers=layers,
                 encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=2 * d_model,
                 decoder_ffn_dim=2 * d_model, max_position_embeddings=128, pad_token_id=2, eos_token_id=0,
                 forced_eos_token_id=0, dropout=dropout, scale_embedding=True)
    if pre_norm:  # mBART starts decoding from the sequence's last token, </s>, as its labels are shifted
        model = MBartForConditionalGeneration(MBartConfig(**sizes, decoder_start_token_id=0, bos_token_id=0))
    else:
        model = MarianMTModel(MarianConfig(**sizes, decoder_start_token_id=2, share_encoder_decoder_embeddings=True))
    model.generation_config.max_length = 128
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    for name in ("spm.model", "spm.vocab", "spm-vocab.json"):  # save_pretrained copied them
        (path / name).unlink(missing_ok=True)
    return path
