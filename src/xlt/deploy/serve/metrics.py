"""Prometheus metrics of one app (its own registry, so several apps can live in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ServeMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("xlt_requests_total", "HTTP requests by route and status", ["route", "status"],
                                registry=self.registry)
        self.latency = Histogram("xlt_request_seconds", "request latency by route", ["route"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.texts = Counter("xlt_texts_total", "texts predicted", registry=self.registry)
        self.batch_size = Histogram("xlt_batch_texts", "texts per forward pass", registry=self.registry,
                                    buckets=(1, 2, 4, 8, 16, 32, 64, 128))
        self.batch_seconds = Histogram("xlt_batch_seconds", "seconds per forward pass", registry=self.registry)
        self.queue = Gauge("xlt_queue_texts", "texts waiting or being predicted", registry=self.registry)
        self.rejected = Counter("xlt_rejected_total", "requests refused, by reason", ["reason"],
                                registry=self.registry)

    def on_batch(self, texts: int, seconds: float) -> None:
        self.texts.inc(texts)
        self.batch_size.observe(texts)
        self.batch_seconds.observe(seconds)
