"""Tasks: how a kind of labelled data becomes model inputs, a model head and predictions.

A new task is one file plus one line in :data:`TASKS`.

>>> get_task("tagging", {"tag_map": {"B-OTH": "O"}}).tag_map
{'B-OTH': 'O'}
"""

from typing import Any

from xlt.errors import ConfigError
from xlt.finetune.tasks.base import Task
from xlt.finetune.tasks.classification import ClassificationTask
from xlt.finetune.tasks.qa import QATask
from xlt.finetune.tasks.tagging import TaggingTask
from xlt.finetune.tasks.translation import TranslationTask

TASKS: dict[str, type[Task]] = {
    "classification": ClassificationTask,
    "tagging": TaggingTask,
    "qa": QATask,
    "translation": TranslationTask,
}


def get_task(name: str, options: dict[str, Any] | None = None) -> Task:
    """A task by name, with its options (``task_options`` in a config)."""
    if name not in TASKS:
        raise ConfigError(f"unknown task {name!r}; known: {', '.join(sorted(TASKS))}")
    try:
        return TASKS[name](**(options or {}))
    except TypeError as err:
        raise ConfigError(f"task {name!r}: bad task_options {options}: {err}") from err


def deployable_tasks() -> list[str]:
    """The tasks ``xlt export`` and ``xlt serve`` run."""
    return [name for name, task in TASKS.items() if task.deployable]


__all__ = ["TASKS", "Task", "deployable_tasks", "get_task"]
