"""Optuna's own plots (``optuna.visualization.matplotlib``) as PNG bytes for the report.

Returns caption -> PNG; a plot Optuna cannot draw yet (e.g. importances before two complete trials)
is left out with the reason in ``skipped`` so the report can say why.
"""

from __future__ import annotations

import io
import warnings

import optuna


def study_plots(study: optuna.Study) -> tuple[dict[str, bytes], dict[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from optuna.visualization import matplotlib as ovm

    makers = {
        "Optimisation history (source-dev score per trial)": ovm.plot_optimization_history,
        "Hyper-parameter importances (fANOVA on the source-dev score)": ovm.plot_param_importances,
        "Source-dev score after each epoch (pruned trials stop early)": ovm.plot_intermediate_values,
    }
    pngs: dict[str, bytes] = {}
    skipped: dict[str, str] = {}
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    for caption, make in makers.items():
        if make is ovm.plot_param_importances and (len(complete) < 2 or not complete[0].params):
            skipped[caption] = "needs at least two complete trials with searched values"
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            try:
                ax = make(study)
            except (ValueError, RuntimeError) as err:  # Optuna's own refusal, e.g. all values identical
                skipped[caption] = str(err)
                continue
        fig = (ax.flat[0] if hasattr(ax, "flat") else ax).figure
        fig.set_size_inches(8, 4.5)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        plt.close(fig)
        pngs[caption] = buf.getvalue()
    return pngs, skipped
