"""What is at stake: client fees (imported), revenue at risk, retention and churn per quarter,
and how well the health score foretold the churn that followed."""
