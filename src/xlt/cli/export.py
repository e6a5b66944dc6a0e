"""``xlt export``: ONNX / TorchScript / int8 / fewer-layer variants of a trained run, or its encoder as a
sentence-transformers folder."""

from __future__ import annotations

from pathlib import Path

import typer

from xlt.cli.common import console, friendly_errors, setup_logging
from xlt.device import DEVICE_HELP
from xlt.extras import require


@friendly_errors
def export(
    run: Path = typer.Argument(..., help="a run folder (runs/NAME)", exists=True, file_okay=False),
    format_: str = typer.Option("onnx", "--format", "-f", help="onnx | torchscript | torch (torch: only with "
                                "--drop-layers) | sentence-transformers (the encoder, for SentenceTransformer(path))"),
    quantize: str = typer.Option(None, "--quantize", "-q", help="int8: dynamic int8 quantisation (ONNX only)"),
    drop_layers: int = typer.Option(0, "--drop-layers", help="remove the top N encoder layers, then distil the "
                                    "full model into the rest on the run's source training data"),
    distill_epochs: float = typer.Option(2.0, "--distill-epochs", help="epochs of distillation (--drop-layers)"),
    calibration_texts: int = typer.Option(256, "--calibration-texts", help="int8: source training texts that "
                                          "calibrate SmoothQuant and GPTQ; the int8 graph closest to fp32 on as "
                                          "many other source texts is kept (0: plain dynamic quantisation)"),
    device: str = typer.Option("auto", "--device", help=f"where --drop-layers distils: {DEVICE_HELP}; the export "
                               "itself runs on the CPU"),
    name: str = typer.Option(None, "--name", help="variant folder name (default from the options, e.g. onnx-int8)"),
    output: Path = typer.Option(None, "--output", "-o", help="variant folder (default RUN/exports/NAME)"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Export a run's model for deployment; compare the variants with [bold]xlt variants RUN[/].

    Classification models only so far. The variant folder is served by [bold]xlt serve[/] and scored by
    [bold]xlt evaluate VARIANT --data ... --speed[/].
    """
    if format_ == "onnx":
        require("export")
    from xlt.deploy.export import export_variant

    setup_logging(verbose)
    target = export_variant(run, format_, quantize=quantize, drop_layers=drop_layers, name=name, output=output,
                            distill_epochs=distill_epochs, calibration_texts=calibration_texts, device=device)
    console.print(f"variant: {target}")
