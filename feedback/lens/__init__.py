"""The promise lens: what each client expected of the firm's promises (expectations) against
what its feedback says of them (the promise gap)."""
