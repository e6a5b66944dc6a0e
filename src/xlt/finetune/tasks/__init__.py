"""Tasks: how a kind of labelled data becomes model inputs, a model head and predictions.

A new task is one file plus one line in :data:`TASKS`.
"""

from xlt.errors import ConfigError
from xlt.finetune.tasks.base import Task
from xlt.finetune.tasks.classification import ClassificationTask

TASKS: dict[str, type[Task]] = {
    "classification": ClassificationTask,
}


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise ConfigError(f"unknown task {name!r}; known: {', '.join(sorted(TASKS))}")
    return TASKS[name]()


__all__ = ["TASKS", "Task", "get_task"]
