"""``xlt push`` and :func:`xlt.deploy.push.push_run` against a mocked ``HfApi`` (no network)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner


class FakeApi:
    """Records the calls ``push_run`` makes and the files each upload would send (read at call time)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.uploaded: dict[str, bytes] = {}

    def create_repo(self, repo_id, **kwargs):
        self.calls.append(("create_repo", {"repo_id": repo_id, **kwargs}))
        return f"https://huggingface.co/{repo_id}"

    def create_branch(self, repo_id, **kwargs):
        self.calls.append(("create_branch", {"repo_id": repo_id, **kwargs}))

    def upload_folder(self, **kwargs):
        self.calls.append(("upload_folder", kwargs))
        root = Path(kwargs["folder_path"])
        self.uploaded = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
        return SimpleNamespace(commit_url=f"https://huggingface.co/{kwargs['repo_id']}/commit/abc")


@pytest.fixture
def run(tiny_run: Path, tmp_path: Path) -> Path:
    """A copy of the tiny run: pushing rewrites its card."""
    return Path(shutil.copytree(tiny_run, tmp_path / "toy"))


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    import huggingface_hub

    fake = FakeApi()
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda *a, **k: fake)
    return fake


def test_push_run_creates_the_repo_and_uploads_model_card_and_report(run: Path, api: FakeApi) -> None:
    from xlt.deploy.push import push_run

    pushed = push_run(run, "me/toy", private=True, token="hf_test")
    assert [name for name, _ in api.calls] == ["create_repo", "upload_folder"]
    assert api.calls[0][1] == {"repo_id": "me/toy", "token": "hf_test", "private": True, "exist_ok": True}
    upload = api.calls[1][1]
    assert upload["repo_id"] == "me/toy" and upload["token"] == "hf_test" and upload["revision"] is None
    model_files = {p.relative_to(run / "model").as_posix() for p in (run / "model").rglob("*") if p.is_file()}
    assert set(api.uploaded) == model_files | {"xlt/report.html", "xlt/report.md", "xlt/metrics.json"}
    assert {"README.md", "config.json", "model.safetensors", "xlt_model.json", "mean_pool_classifier.py"} <= set(
        api.uploaded)
    assert api.uploaded["model.safetensors"] == (run / "model" / "model.safetensors").read_bytes()
    assert 'xlt.load("me/toy")' in api.uploaded["README.md"].decode()  # the card names where it now lives
    assert set(pushed.files) == set(api.uploaded)
    assert pushed.repo_url == "https://huggingface.co/me/toy"


def test_push_to_a_branch_with_message_and_no_report(run: Path, api: FakeApi) -> None:
    from xlt.deploy.push import push_run

    push_run(run, "me/toy", token="hf_test", revision="v1", commit_message="first model", report=False)
    assert [name for name, _ in api.calls] == ["create_repo", "create_branch", "upload_folder"]
    assert api.calls[1][1] == {"repo_id": "me/toy", "branch": "v1", "token": "hf_test", "exist_ok": True}
    assert api.calls[2][1]["revision"] == "v1" and api.calls[2][1]["commit_message"] == "first model"
    assert not any(name.startswith("xlt/") for name in api.uploaded)


def test_cli_push(run: Path, api: FakeApi) -> None:
    from xlt.cli.main import app

    result = CliRunner().invoke(app, ["push", str(run), "me/toy", "--token", "hf_test", "--private", "-m", "hi"])
    assert result.exit_code == 0, result.output
    assert "pushed" in result.output and "me/toy" in result.output
    assert api.calls[0][1]["private"] is True and api.calls[-1][1]["commit_message"] == "hi"


@pytest.mark.parametrize("case, message", [
    ("missing", "no such run folder"),
    ("not_a_run", "not a run folder"),
    ("no_model", "no model folder"),
    ("no_token", "no Hugging Face token"),
])
def test_cli_push_errors_are_one_line(case: str, message: str, run: Path, api: FakeApi, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from xlt.cli.main import app

    monkeypatch.setattr("huggingface_hub.get_token", lambda: None)
    path, token = run, ["--token", "hf_test"]
    if case == "missing":
        path = tmp_path / "nowhere"
    elif case == "not_a_run":
        path = tmp_path / "empty"
        path.mkdir()
    elif case == "no_model":
        shutil.rmtree(run / "model")
    else:
        token = []
    result = CliRunner().invoke(app, ["push", str(path), "me/toy", *token])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert api.calls == []  # nothing reached the Hub


def test_hub_errors_are_push_errors(run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx
    import huggingface_hub
    from huggingface_hub.errors import HfHubHTTPError

    from xlt.deploy.push import PushError, push_run

    class Refusing(FakeApi):
        def create_repo(self, repo_id, **kwargs):
            request = httpx.Request("POST", "https://huggingface.co/api/repos/create")
            raise HfHubHTTPError("403 Forbidden: you cannot create repos in this namespace",
                                 response=httpx.Response(403, request=request))

    monkeypatch.setattr(huggingface_hub, "HfApi", lambda *a, **k: Refusing())
    with pytest.raises(PushError, match="403 Forbidden"):
        push_run(run, "someone-else/toy", token="hf_test")
