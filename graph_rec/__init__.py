"""Graph-based movie recommendations served from Neo4j."""

from graph_rec.recommend import STRATEGIES, Recommendation, recommend, similar_movies

__all__ = ["STRATEGIES", "Recommendation", "recommend", "similar_movies"]
