"""Per-firm topics: what clients talk about that nobody thought to ask (issue 13)."""
