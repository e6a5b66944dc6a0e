"""``README.md`` in a run's model folder: a Hugging Face model card made from what the run recorded.

The front matter (``library_name``, ``base_model``, ``language``, ``license``, ``tags``, ``datasets`` and a
``model-index`` with one result per test language) is rendered by ``huggingface_hub``'s own
:class:`~huggingface_hub.ModelCardData`; the body names the base model, task, strategy, training languages,
data and split seed, which test languages are zero-shot, whether the weights are an average of the last epoch
ends (``training.average_checkpoints``), the per-language scores with their bootstrap
intervals beside the baselines', the transfer gap, and how to load the model.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from xlt.errors import ConfigError
from xlt.evaluate.run_evaluation import MAIN_SYSTEM
from xlt.finetune.tasks import TASKS, Task
from xlt.io import write_text
from xlt.model.builtin import BUILTIN_MODELS, BUILTIN_PREFIX
from xlt.model.card import ModelCard
from xlt.run_folder import RunFolder

CARD_FILE = "README.md"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def write_model_card(run: str | Path, *, repo_id: str | None = None) -> Path:
    """Write the card of the run folder ``run`` into ``run/model/README.md`` (atomically); return its path."""
    folder = RunFolder(Path(run))
    path = folder.model / CARD_FILE
    write_text(path, render_model_card(folder.root, repo_id=repo_id))
    return path


def render_model_card(run: str | Path, *, repo_id: str | None = None) -> str:
    """The card text of the run folder ``run``; ``repo_id`` (where it is published) goes into the loading code."""
    from huggingface_hub import ModelCard as HubCard

    facts = _RunFacts(RunFolder(Path(run)))
    # parsing it back checks that the front matter is metadata the Hub reads
    return str(HubCard(f"---\n{facts.card_data().to_yaml()}\n---\n\n{_body(facts, repo_id)}"))


class _RunFacts:
    """What the card says, read from the run folder's metrics.json, run_info, config.yaml and model folder."""

    def __init__(self, folder: RunFolder) -> None:
        if not folder.metrics.is_file():
            raise ConfigError(f"{folder.root}: no metrics.json (not a finished run folder?)")
        self.folder = folder
        self.metrics: dict[str, Any] = json.loads(folder.metrics.read_text("utf-8"))
        self.info: dict[str, Any] = self.metrics.get("run") or (
            json.loads(folder.run_info.read_text("utf-8")) if folder.run_info.is_file() else {})
        self.config: dict[str, Any] = (yaml.safe_load(folder.config.read_text("utf-8")) or {}
                                       if folder.config.is_file() else {})
        self.xlt_card = ModelCard.read(folder.model) or ModelCard()
        hf_config = folder.model / "config.json"
        self.hf_config: dict[str, Any] = json.loads(hf_config.read_text("utf-8")) if hf_config.is_file() else {}
        self.task_name: str = self.info.get("task") or self.xlt_card.task or "classification"
        self.task: type[Task] | None = TASKS.get(self.task_name)
        self.sources: list[str] = list(self.metrics.get("source_languages") or self.info.get("source_languages")
                                       or [])
        self.primary: str = self.metrics.get("primary_metric", "accuracy")
        self.scores: dict[str, Any] = self.metrics.get("systems", {}).get(MAIN_SYSTEM, {})
        self.languages: list[str] = list(self.scores.get("languages", {}))

    @property
    def base_model(self) -> str:
        return self.xlt_card.base_model or self.info.get("model") or "unknown"

    @property
    def pipeline_tag(self) -> str:
        return self.task.pipeline_tag if self.task else "text-classification"

    @property
    def split_seed(self) -> Any:
        return ((self.config.get("data") or {}).get("split") or {}).get("seed")

    def data_spec(self) -> dict[str, Any]:
        """The spec the test rows came from: ``data.test`` where given, else the pool that was split."""
        data = self.config.get("data") or {}
        spec = data.get("test") or data.get("pool") or {}
        return spec if isinstance(spec, dict) else {"format": str(spec)}

    def dataset_name(self) -> str:
        spec = self.data_spec()
        if spec.get("name"):
            return str(spec["name"])
        path = Path(str(spec.get("path") or ""))
        table = spec.get("format") in ("jsonl", "csv", "tsv") and path.name
        where = f" {path.parent.name}/{path.name}" if table else ""
        return f"{spec.get('format') or 'test data'}{where}"

    def hub_datasets(self) -> list[str]:
        """Hub data set ids among the run's data specs (``format: hf`` with an ``owner/name`` path)."""
        data = self.config.get("data") or {}
        ids = []
        for spec in (data.get(key) for key in ("pool", "train", "dev", "test")):
            if isinstance(spec, dict) and spec.get("format") == "hf":
                name = str(spec.get("path") or "").partition("@")[0].partition(":")[0]
                if _HUB_ID.match(name) and not Path(name).exists():
                    ids.append(name)
        return list(dict.fromkeys(ids))

    def hub_base_model(self) -> str | None:
        """The base model as a Hub id, where it is one (a built-in model: the Hub model it was made from)."""
        name = self.base_model
        if Path(name).is_dir():  # a local folder: a converted built-in model names itself in its card
            name = getattr(ModelCard.read(name), "name", None) or ""
        if name.startswith(BUILTIN_PREFIX):
            model = BUILTIN_MODELS.get(name.removeprefix(BUILTIN_PREFIX))
            return model.hub_id if model else None
        return name if _HUB_ID.match(name) and not Path(name).exists() else None

    def hub_languages(self) -> list[str]:
        """The card's ``language`` codes: translation directions (``en-de``) give both sides; ``_`` becomes ``-``."""
        codes = [*self.sources, *self.languages]
        if self.task_name == "translation":
            codes = [side for code in codes for side in re.split(r"[-→>]+", code) if side]
        return [code.replace("_", "-") for code in codes]

    def role(self, lang: str) -> str:
        """``source`` (trained on), ``zero-shot``, or why a target language is not zero-shot."""
        if lang in self.sources:
            return "source (trained on)"
        if self.info.get("zero_shot") is False and lang in self.info.get("dev_languages", []):
            return "not zero-shot (its dev data selected the checkpoint)"
        if (self.config.get("translate") or {}).get("augment_train"):
            return "translate-train (trained on machine translations)"
        return "zero-shot"

    def needs_remote_code(self) -> bool:
        """The saved head's code ships in the folder (``auto_map``): transformers loads it only when trusted."""
        auto = self.task.auto_model_class if self.task else ""
        return auto in (self.hf_config.get("auto_map") or {})

    def card_data(self):
        from huggingface_hub import EvalResult, ModelCardData

        confidence = self.metrics.get("confidence", 0.95)
        results = []
        for lang, row in self.scores.get("languages", {}).items():
            if self.primary not in row:
                continue
            interval = row.get(f"{self.primary}_ci")
            shown = f" [{interval[0]:.4f}, {interval[1]:.4f}] {confidence:.0%} bootstrap CI" if interval else ""
            args = {"confidence": confidence, "n_resamples": self.metrics.get("n_resamples"), "n": row.get("n")}
            if interval:
                args.update(ci_low=round(interval[0], 4), ci_high=round(interval[1], 4))
            results.append(EvalResult(
                task_type=self.pipeline_tag, task_name=self.task_name,
                dataset_type=(self.hub_datasets() or [str(self.data_spec().get("format") or "local")])[0],
                dataset_name=f"{self.dataset_name()} ({lang})", dataset_config=lang, dataset_split="test",
                metric_type=self.primary, metric_value=round(row[self.primary], 4),
                metric_name=f"{self.primary} ({lang}, {self.role(lang).split(' (')[0]}){shown}",
                metric_args={k: v for k, v in args.items() if v is not None},
            ))
        languages = list(dict.fromkeys(self.hub_languages()))
        return ModelCardData(
            model_name=self.info.get("name") or self.folder.root.name,
            library_name="xlt" if self.xlt_card.delta else "transformers",  # a delta loads with xlt only
            base_model=self.hub_base_model(), language=languages or None,
            license=self.config.get("license"), pipeline_tag=self.pipeline_tag,
            tags=["xlt", "cross-lingual", self.pipeline_tag, *(["zero-shot-transfer"] if self.targets else [])],
            datasets=self.hub_datasets() or None, eval_results=results or None,
        )

    @property
    def targets(self) -> list[str]:
        return [lang for lang in self.languages if lang not in self.sources]


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def _score_table(facts: _RunFacts) -> str:
    """Language rows (xlt with its interval, then every other system), then source, target mean and gap."""
    systems = facts.metrics.get("systems", {})
    others = [name for name in systems if name != MAIN_SYSTEM]
    primary = facts.primary
    rows = [["language", "role", f"xlt {primary} (interval)", *others], ["---", "---", "---:", *["---:"] * len(others)]]
    for lang in facts.languages:
        row = facts.scores["languages"][lang]
        interval = row.get(f"{primary}_ci")
        xlt = _pct(row.get(primary)) + (f" ({_pct(interval[0])}–{_pct(interval[1])})" if interval else "")
        rows.append([lang, facts.role(lang), xlt,
                     *(_pct(systems[name].get("languages", {}).get(lang, {}).get(primary)) for name in others)])
    for label, key in (("source", "source"), ("target mean", "target_mean"), ("transfer gap (source − target)", "gap")):
        rows.append([f"**{label}**", "", f"**{_pct(facts.scores.get(key))}**",
                     *(_pct(systems[name].get(key)) for name in others)])
    return "\n".join("| " + " | ".join(cells) + " |" for cells in rows)


def _loading(facts: _RunFacts, repo_id: str | None) -> str:
    """How to load the model with xlt and, where the folder is a transformers one, with transformers."""
    where = repo_id or "path/to/model"
    fields = facts.task.input_fields if facts.task else ("text",)
    example = '["an example text"]' if len(fields) == 1 else "[{" + ", ".join(f'"{f}": "..."' for f in fields) + "}]"
    parts = ["```python", "import xlt", "", f'predictor = xlt.load("{where}")', f"print(predictor.predict({example}))",
             "```"]
    prefix = facts.xlt_card.prefix
    if facts.xlt_card.delta:
        strategy = (facts.info.get("strategy") or {}).get("name", "a parameter-efficient strategy")
        parts += ["", f"The folder holds only the weights the `{strategy}` strategy trained (`trained.safetensors`) "
                  f"and `xlt_delta.json`; `xlt.load` rebuilds the model on `{facts.base_model}`. Plain "
                  "transformers cannot load it on its own."]
        if (facts.folder.model / "adapter_config.json").is_file():
            parts += ["", "The same weights are here in PEFT's format (`adapter_config.json`, "
                      "`adapter_model.safetensors`, the head in `modules_to_save`); PEFT puts them on the base "
                      "model with its task head, built as xlt builds it:", "", "```python", "import json",
                      "from peft import PeftModel", "from xlt.finetune.tasks import get_task",
                      "from xlt.model.card import ModelCard", "from xlt.model.loader import load_encoder",
                      "from xlt.model.saved import spec_of", "",
                      f'folder = "{where}"',
                      'card, delta = ModelCard.read(folder), json.load(open(f"{folder}/xlt_delta.json"))',
                      'encoder = load_encoder(spec_of(delta["base_model"], card))',
                      'base = get_task(card.task, card.task_options).build_model(encoder, delta["labels"])',
                      "model = PeftModel.from_pretrained(base, folder).eval()", "```"]
        return "\n".join(parts)
    auto = facts.task.auto_model_class if facts.task else "AutoModel"
    remote = facts.needs_remote_code()
    trust = ", trust_remote_code=True" if remote else ""
    parts += ["", "With transformers alone:", "", "```python", f"from transformers import AutoTokenizer, {auto}", "",
              f'tokenizer = AutoTokenizer.from_pretrained("{where}")',
              f'model = {auto}.from_pretrained("{where}"{trust})', "```", ""]
    if remote:
        parts.append("`trust_remote_code=True` is needed: the classification head (mean pooling over the tokens, "
                     "`MeanPoolingForSequenceClassification`) is not a transformers class; its code is "
                     "`mean_pool_classifier.py` in this folder. Without it transformers quietly loads its own "
                     "class, which pools differently, so its predictions are not this model's. A run with "
                     "`task_options: {head: stock}` trains the architecture's own class instead, which every "
                     "transformers host loads without remote code.")
    if prefix:
        parts.append(f"Every input must start with the prefix `{prefix!r}` (xlt adds it; with transformers, add it "
                     "yourself).")
    return "\n".join(parts).rstrip()


def _body(facts: _RunFacts, repo_id: str | None) -> str:
    info, strategy = facts.info, facts.info.get("strategy") or {}
    strategy_text = strategy.get("name", "—") + (
        f" ({', '.join(f'{k}={v}' for k, v in strategy.items() if k != 'name')})" if len(strategy) > 1 else "")
    zero_shot_languages = [lang for lang in facts.targets if facts.role(lang) == "zero-shot"]
    zero_shot = facts.targets and zero_shot_languages == facts.targets
    data = "; ".join(f"{split}: {text}" for split, text in (info.get("data") or {}).items()) or "—"
    lines = [
        f"# {info.get('name') or facts.folder.root.name}", "",
        f"A {facts.task_name} model fine-tuned with xlt for cross-lingual transfer: trained "
        f"on {', '.join(facts.sources) or '—'}, scored on {len(facts.languages)} test language(s).", "",
        f"- **Base model:** `{facts.base_model}`",
        f"- **Task:** {facts.task_name} (`{facts.pipeline_tag}`)",
        f"- **Strategy:** {strategy_text}",
        f"- **Training (source) languages:** {', '.join(facts.sources) or '—'}",
        f"- **Data:** {facts.dataset_name()} — {data}",
        f"- **Split seed:** {facts.split_seed if facts.split_seed is not None else '—'}",
        f"- **Zero-shot languages:** {', '.join(zero_shot_languages) or 'none'}",
        f"- **Checkpoint selection:** {info.get('zero_shot_note') or '—'}",
        *([f"- **Weights:** {info['weights_note']}"] if info.get("weights_note") else []),
        "", "## Results", "",
        f"Primary metric: {facts.primary}, ×100, with the {facts.metrics.get('confidence', 0.95):.0%} bootstrap "
        "interval "
        f"({facts.metrics.get('n_resamples', '?')} resamples of each language's test set). The other columns are "
        "baselines (and any translate-test/translate-train systems) scored on the same rows.", "",
        _score_table(facts), "",
        ("Every target language is zero-shot: no target-language data was used for training or model selection."
         if zero_shot else "Read the role column before comparing languages: not every target language is "
         "zero-shot."), "",
        "## How to use", "", _loading(facts, repo_id), "",
    ]
    return "\n".join(lines)
