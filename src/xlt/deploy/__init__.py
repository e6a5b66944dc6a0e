"""Deployment: compressed model variants and a production prediction service.

- :mod:`xlt.model.variant` - the folder layout and card of an exported variant
- :mod:`xlt.deploy.export` - ``xlt export``: ONNX / TorchScript, int8, dropped layers
- :mod:`xlt.model.onnx_model`, :mod:`xlt.model.torchscript_model` - run a variant like a transformers model
- :mod:`xlt.deploy.drop_layers` - remove the top encoder layers and distil the full model into the rest
- :mod:`xlt.evaluate.speed`, :mod:`xlt.deploy.variant_table` - texts/s, latency, size, and the comparison table
- :mod:`xlt.deploy.serve` - ``xlt serve``: FastAPI app with micro-batching, limits, auth, metrics
"""
