"""``xlt push RUN REPO_ID``: publish a run's model folder, with its model card, to the Hugging Face Hub.

The repository gets the model folder's files at its root (weights, tokenizer, ``xlt_model.json`` and the
``README.md`` card, rewritten with ``REPO_ID`` in its loading code) and, unless ``report=False``, the run's
``report.html``, ``report.md`` and ``metrics.json`` under ``xlt/``. One ``upload_folder`` call makes one
commit.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xlt.errors import XltError
from xlt.finetune.model_card import write_model_card
from xlt.run_folder import RunFolder

#: run files published beside the model, under ``xlt/`` in the repository
REPORT_FILES = ("report.html", "report.md", "metrics.json")
REPORT_DIR = "xlt"


class PushError(XltError):
    """The run cannot be published: not a run, no model, no token, or the Hub refused."""


@dataclass(frozen=True)
class Pushed:
    repo_url: str
    commit_url: str | None
    files: list[str]  # paths in the repository


def push_run(run: str | Path, repo_id: str, *, private: bool = False, token: str | None = None,
             revision: str | None = None, commit_message: str | None = None, report: bool = True,
             api=None) -> Pushed:
    """Create ``repo_id`` (if missing) and upload the run's model folder, its card and (``report``) its report.

    ``token`` defaults to the one ``huggingface_hub`` finds (``HF_TOKEN``, ``hf auth login``); ``revision`` is a
    branch, created from the main branch where missing. ``api`` is an ``HfApi`` (default: a new one).
    """
    from huggingface_hub import HfApi, get_token
    from huggingface_hub.errors import HfHubHTTPError

    folder = _run_folder(Path(run))
    token = token or get_token()
    if not token:
        raise PushError("no Hugging Face token: run `hf auth login`, set HF_TOKEN, or pass --token")
    if folder.metrics.is_file():  # the card names the repository in its loading code
        write_model_card(folder.root, repo_id=repo_id)
    api = api or HfApi()
    try:
        repo_url = api.create_repo(repo_id, token=token, private=private, exist_ok=True)
        if revision:
            api.create_branch(repo_id, branch=revision, token=token, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="xlt-push-") as staging:
            files = _stage(folder, Path(staging), report=report)
            commit = api.upload_folder(
                repo_id=repo_id, folder_path=staging, token=token, revision=revision,
                commit_message=commit_message or f"xlt: upload run {folder.root.name}")
    except HfHubHTTPError as err:
        raise PushError(f"pushing {folder.root} to {repo_id} failed: {err}") from None
    return Pushed(str(repo_url), getattr(commit, "commit_url", None), files)


def _run_folder(path: Path) -> RunFolder:
    if not path.is_dir():
        raise PushError(f"{path}: no such run folder")
    folder = RunFolder(path)
    if not folder.config.is_file():
        raise PushError(f"{path}: not a run folder (no config.yaml; give the runs/NAME folder xlt train wrote)")
    if not folder.model.is_dir():
        raise PushError(f"{path}: the run has no model folder ({folder.model}); a finished run saves one")
    return folder


def _stage(folder: RunFolder, staging: Path, *, report: bool) -> list[str]:
    """Link the files to upload into ``staging`` as the repository lays them out; return their repo paths."""
    pairs = [(path, path.relative_to(folder.model).as_posix())
             for path in sorted(folder.model.rglob("*")) if path.is_file()]
    if report:
        pairs += [(folder.root / name, f"{REPORT_DIR}/{name}") for name in REPORT_FILES
                  if (folder.root / name).is_file()]
    for source, name in pairs:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(source.resolve(), target)  # no copy of the weights; upload_folder reads through links
    return [name for _, name in pairs]
