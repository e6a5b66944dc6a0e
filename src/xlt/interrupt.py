"""Ctrl-C during training: save a resumable checkpoint at the end of the current step, then stop."""

from __future__ import annotations

import signal

from transformers import TrainerCallback

from xlt.errors import XltError


class TrainingInterrupted(XltError):
    """Raised after a graceful stop; the run folder holds a checkpoint to resume from."""


class GracefulInterrupt(TrainerCallback):
    """First Ctrl-C: checkpoint and stop after this step. Second Ctrl-C: stop at once."""

    def __init__(self) -> None:
        self.requested = False
        self._previous = None

    def _handler(self, signum, frame) -> None:
        if self.requested:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        self.requested = True
        print("\nInterrupted: saving a checkpoint after this step (Ctrl-C again to stop at once)...",
              flush=True)

    def on_train_begin(self, args, state, control, **kwargs):
        try:
            self._previous = signal.signal(signal.SIGINT, self._handler)
        except ValueError:  # not the main thread: leave signals alone
            self._previous = None

    def on_step_end(self, args, state, control, **kwargs):
        if self.requested:
            control.should_save = True
            control.should_training_stop = True
        return control

    def on_train_end(self, args, state, control, **kwargs):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
