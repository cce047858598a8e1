"""Topic discovery over the engine's document embeddings (worker side; see model.py)."""
