"""Offline evaluation: stratified splits of the ratings and top-k ranking metrics."""

from graph_rec.evaluation.metrics import (
    catalog_coverage,
    mean_average_precision,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    short_list_share,
)
from graph_rec.evaluation.splits import stratified_split, validation_split

__all__ = [
    "catalog_coverage",
    "mean_average_precision",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
    "short_list_share",
    "stratified_split",
    "validation_split",
]
