"""Batch prediction over files of any size: stream rows in, predict chunk by chunk, write as it goes.

- formats/: one file per input/output format (JSONL, CSV/TSV, plain text, Parquet), registered by suffix
- progress.py: the record a resumable run keeps beside its output (rows done, where the output ends)
- stream.py: ``predict_file``: chunks, progress bar, resume, rejected rows
- ray_engine.py: the same job on a Ray cluster (``xlt predict --engine ray``)
"""
