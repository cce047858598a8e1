"""Pages of the firm's settings (thin: parse, call one service or selector, render)."""
