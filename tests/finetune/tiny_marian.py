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


#: NTREX-128 references of the English news lines: three independent Spanish translations.
NTREX_SPANISH = ("newstest2019-ref.spa.txt", "newstest2019-ref-2.spa.txt", "newstest2019-ref.spa-MX.txt")
#: Extra human-translated English-Spanish pairs in the shared data (all read by xlt's parallel readers).
EXTRA_SOURCES = ("tatoeba", "pud", "xnli", "pawsx")


def _ntrex(root: Path, reference: str):
    from xlt.corpus.readers.parallel import read_parallel

    folder = root / "parallel" / "ntrex128"
    return read_parallel(folder / "newstest2019-src.eng.txt", folder / reference, src_lang="eng", tgt_lang="spa",
                         ids_path=folder / "DOCUMENT_IDS.tsv")


def _extra(root: Path, name: str) -> list[tuple[str, str]]:
    """(English, Spanish) pairs of one extra source; XNLI/PAWS-X dev files are line-aligned across languages."""
    from xlt.corpus.readers.parallel import read_pud, read_tatoeba

    if name == "tatoeba":
        return list(zip(read_tatoeba("spa")["tgt"], read_tatoeba("spa")["src"], strict=True))
    if name == "pud":
        pairs = read_pud("es")
        return list(zip(pairs["tgt"], pairs["src"], strict=True))
    folder = root / name
    en = [line.split("\t") for line in (folder / "dev-en.tsv").read_text("utf-8").splitlines()]
    es = [line.split("\t") for line in (folder / "dev-es.tsv").read_text("utf-8").splitlines()]
    return [(a[k].strip(), b[k].strip()) for a, b in zip(en, es, strict=True) for k in (0, 1)]


def _ud_english(root: Path) -> list[str]:
    """The ``# text =`` sentences of every UD English treebank in the shared data, in file order, once each."""
    texts = [line[len("# text = "):].strip() for path in sorted((root / "ud_en").glob("*/*.conllu"))
             for line in path.read_text("utf-8").splitlines() if line.startswith("# text = ")]
    return list(dict.fromkeys(t for t in texts if t))


def ntrex_translation_splits(root: Path, *, sources: tuple[str, ...] = EXTRA_SOURCES, references: int = 3,
                             test_documents: int = 6, dev_documents: int = 7, exclude_documents: int = 0,
                             max_words: int | None = None, apertium: bool = False,
                             lexicon: int = 0, ud_english: int = 0, copied: int = 0) -> dict[str, list[dict]]:
    """English -> Spanish rows (``id/lang/text/label``) for training a translation model from scratch.

    NTREX-128 is split by DOCUMENT (no news story in two splits): the last ``test_documents`` documents are
    the test set (first reference only), the ``dev_documents`` before them dev, all others train, with each of
    ``references`` Spanish references as its own pair. ``sources`` adds human-translated pairs from the
    shared data; a pair whose English or Spanish side is in dev or test is dropped, repeated pairs are kept
    once. ``max_words``: drop extra pairs with longer English sides (NTREX pairs are always kept).
    ``exclude_documents``: the last documents are left out of every split (to choose settings on dev
    documents as "test" without ever touching the real test documents).
    ``apertium``: also pair every training English sentence with Apertium's rule-based Spanish translation
    (sequence-level distillation: monotone, word-for-word targets that a tiny model learns faster than the
    human ones). Only training rows get them; dev and test keep the human references.
    ``lexicon``: also the ``lexicon`` most frequent words of the training English, each alone, with
    Apertium's translation (one-word pairs: the target cannot be guessed without reading the source,
    which pushes a model from scratch to use its cross-attention early).
    ``ud_english``: up to this many English sentences of the shared UD English treebanks (``# text =``
    lines), translated by Apertium (needs ``apertium``): more distillation data, none of it news.
    ``copied``: also up to this many Spanish training sentences paired with themselves ("copied monolingual
    data", Currey et al. 2017): the model learns to read its source and to pass names and numbers through.
    """
    refs = [_ntrex(root, name) for name in NTREX_SPANISH[:references]]
    docs = list(dict.fromkeys(i.split(":")[0] for i in refs[0]["id"]))
    excluded = set(docs[len(docs) - exclude_documents:])
    docs = docs[:len(docs) - exclude_documents]
    test_docs, dev_docs = set(docs[-test_documents:]), set(docs[-test_documents - dev_documents:-test_documents])

    def rows(ds, keep, tag):
        return [{"id": f"{tag}-{i}", "lang": "spa", "text": s, "label": t}
                for i, s, t in zip(ds["id"], ds["src"], ds["tgt"], strict=True) if keep(i.split(":")[0])]

    splits = {"test": rows(refs[0], test_docs.__contains__, "ntrex"),
              "dev": rows(refs[0], dev_docs.__contains__, "ntrex")}
    held = {t for ds in refs for i, en, es in zip(ds["id"], ds["src"], ds["tgt"], strict=True)
            if i.split(":")[0] in test_docs | dev_docs | excluded for t in (en, es)}
    train = [r for k, ds in enumerate(refs)
             for r in rows(ds, lambda d: d not in test_docs | dev_docs | excluded, f"ntrex{k + 1}")]
    seen = {(r["text"], r["label"]) for r in train}
    for name in sources:
        for j, (en, es) in enumerate(_extra(root, name)):
            if (en, es) in seen or en in held or es in held or not en or not es:
                continue
            if max_words is not None and len(en.split()) > max_words:
                continue
            seen.add((en, es))
            train.append({"id": f"{name}-{j}", "lang": "spa", "text": en, "label": es})
    if apertium:
        from xlt.translate.apertium import ApertiumTranslator

        monolingual = _ud_english(root)[:ud_english] if ud_english else []
        english = list(dict.fromkeys([r["text"] for r in train] + [t for t in monolingual if t not in held]))
        translator = ApertiumTranslator("eng-spa")
        spanish = [t for i in range(0, len(english), 2000) for t in translator.translate_batch(english[i:i + 2000])]
        for j, (en, es) in enumerate(zip(english, spanish, strict=True)):
            if es and es not in held and (en, es) not in seen:
                seen.add((en, es))
                train.append({"id": f"apertium-{j}", "lang": "spa", "text": en, "label": es})
    if lexicon:
        import re
        from collections import Counter

        from xlt.translate.apertium import ApertiumTranslator

        counts = Counter(w for r in train for w in re.findall(r"[^\W\d_]{2,}", r["text"]))
        words = [w for w, _ in counts.most_common(lexicon)]
        spanish = ApertiumTranslator("eng-spa").translate_batch(words)
        for en, es in zip(words, spanish, strict=True):
            if es and (en, es) not in seen:
                seen.add((en, es))
                train.append({"id": f"lexicon-{en}", "lang": "spa", "text": en, "label": es})
    if copied:
        spanish = list(dict.fromkeys(r["label"] for r in train if not r["id"].startswith("lexicon-")))
        train += [{"id": f"copied-{j}", "lang": "spa", "text": es, "label": es}
                  for j, es in enumerate(spanish[:copied])]
    splits["train"] = train
    return splits
