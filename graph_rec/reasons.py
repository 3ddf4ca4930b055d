"""Turn the evidence behind a score into sentences a person can read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def collaborative_reasons(evidence: Sequence[Mapping]) -> list[str]:
    """Build one reason that names the seed movies, strongest first, that co-raters also liked."""
    titles = [seed["title"] for seed in evidence]
    if not titles:
        return []
    return [f"rated highly by people who also liked {_join(titles)}"]


def _join(titles: Sequence[str]) -> str:
    return titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} and {titles[-1]}"


def precomputed_reasons(evidence: Sequence[Mapping]) -> list[str]:
    """Build one reason that names the rated movies, strongest first, whose weights point to the movie."""
    titles = [movie["title"] for movie in evidence]
    if not titles:
        return []
    return [f"often liked by people who liked {_join(titles)}, which you rated"]


def content_reasons(evidence: Sequence[Mapping]) -> list[str]:
    """Build one reason per shared feature, strongest first, naming the director, actor or genre and a liked movie."""
    return [_feature_reason(feature) for feature in evidence]


def popular_reasons(evidence: Mapping) -> list[str]:
    """Build the reason for a popular pick from its rating count and mean rating."""
    return [
        f"popular: rated by {evidence['rating_count']} people, "
        f"mean rating {evidence['mean_rating']:.1f} of 5"
    ]


def _feature_reason(feature: Mapping) -> str:
    seed = feature["seed_title"]
    others = feature.get("seed_count", 1) - 1
    also = f"{seed} and {others} more you liked" if others > 0 else seed
    if feature["role"] == "DIRECTED":
        return f"directed by {feature['name']}, like {also}"
    if feature["role"] == "ACTED_IN":
        return f"stars {feature['name']}, like {also}"
    return f"in the genre {feature['name']}, like {also}"
