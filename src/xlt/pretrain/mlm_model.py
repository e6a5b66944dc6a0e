"""The model being pretrained: the encoder with a masked-LM head (``AutoModelForMaskedLM``).

Sentence encoders such as the built-in e5 ship without an MLM head. transformers then builds the head from
the architecture and initialises the missing weights with the model's own ``_init_weights`` (BERT: the
transform's dense layer ~ N(0, initializer_range), its LayerNorm at 1/0, the output bias at 0) and ties the
decoder to the input embeddings (``tie_word_embeddings``). xlt checks the tie and reports the head as new.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from xlt.errors import ModelError
from xlt.model.loader import _offline_hint, model_path
from xlt.model.spec import ModelSpec


@dataclass
class HeadInfo:
    new_head: bool
    tied_decoder: bool
    missing_keys: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        tie = "decoder tied to the input embeddings" if self.tied_decoder else "decoder NOT tied"
        if self.new_head:
            return (f"the masked-LM head was newly initialised ({tie}; transform initialised by the model's "
                    f"_init_weights): the checkpoint had none ({len(self.missing_keys)} weights missing)")
        return f"the masked-LM head came from the checkpoint ({tie})"

    def to_dict(self) -> dict:
        return {**asdict(self), "note": self.note}


def load_masked_lm(spec: ModelSpec):
    """``(model, HeadInfo)``; a checkpoint whose ENCODER weights are missing is a :class:`ModelError`."""
    from transformers import AutoModelForMaskedLM

    path = model_path(spec)
    try:
        model, info = AutoModelForMaskedLM.from_pretrained(path, output_loading_info=True, **spec.load_kwargs())
    except (OSError, ValueError) as err:
        raise _offline_hint(path, err) from err
    model.config.xlt_pooling = spec.resolved_pooling()  # the alignment objective pools as the model does
    prefix = model.base_model_prefix + "."
    missing = sorted(info["missing_keys"])
    encoder_missing = [k for k in missing if k.startswith(prefix) and "pooler" not in k]
    if encoder_missing:
        raise ModelError(f"{path}: {len(encoder_missing)} encoder weights are missing from the checkpoint "
                         f"(e.g. {encoder_missing[:3]}); it is not a {type(model).__name__} checkpoint")
    out, inp = model.get_output_embeddings(), model.get_input_embeddings()
    tied = out is not None and out.weight.data_ptr() == inp.weight.data_ptr()
    return model, HeadInfo(new_head=bool(missing), tied_decoder=tied, missing_keys=missing)
