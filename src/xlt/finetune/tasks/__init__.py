"""Tasks: how a kind of labelled data becomes model inputs, a model head and predictions.

A new task is one file with a :class:`Task` subclass plus one :func:`register_task` call; the task says
which corpus layout it reads, which class loads its saved models, and whether it deploys or translates.

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
from xlt.model.saved import DEFAULT_TASK

TASKS: dict[str, type[Task]] = {}


def register_task(cls: type[Task]) -> type[Task]:
    """Make ``task: <cls.name>`` in a config (and saved models of that task) use ``cls``."""
    TASKS[cls.name] = cls
    return cls


register_task(ClassificationTask)
register_task(TaggingTask)
register_task(QATask)
register_task(TranslationTask)


def get_task(name: str, options: dict[str, Any] | None = None) -> Task:
    """A task by name, with its options (``task_options`` in a config)."""
    if name not in TASKS:
        raise ConfigError(f"unknown task {name!r}; known: {', '.join(sorted(TASKS))}")
    try:
        return TASKS[name](**(options or {}))
    except TypeError as err:
        raise ConfigError(f"task {name!r}: bad task_options {options}: {err}") from err


def task_of_architectures(architectures: list[str] | None) -> str:
    """The task of a transformers folder with no xlt card, from its ``config.json`` architectures: the task
    whose Auto class has the same head (``BertForTokenClassification`` -> tagging) or maps the class
    (``MarianMTModel`` -> translation), else the default.

    >>> task_of_architectures(["XLMRobertaForTokenClassification"]), task_of_architectures(["MarianMTModel"])
    ('tagging', 'translation')
    >>> task_of_architectures(None)
    'classification'
    """
    import transformers

    for name, task in TASKS.items():
        head = task.auto_model_class.removeprefix("AutoModel")
        auto = getattr(transformers, task.auto_model_class, None)
        known = set(getattr(getattr(auto, "_model_mapping", None), "_model_mapping", {}).values())  # names only
        if any(arch.endswith(head) or arch in known for arch in architectures or []):
            return name
    return DEFAULT_TASK


def deployable_tasks() -> list[str]:
    """The tasks whose models read plain texts and answer one row of logits each (speed, distillation)."""
    return [name for name, task in TASKS.items() if task.deployable]


def exportable_tasks() -> list[str]:
    """The tasks ``xlt export`` writes variants of (and whose variants load)."""
    return [name for name, task in TASKS.items() if task.export_outputs]


__all__ = ["TASKS", "Task", "deployable_tasks", "exportable_tasks", "get_task", "register_task",
           "task_of_architectures"]
