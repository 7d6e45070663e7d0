"""After a gap is found: warnings, the rectification ledger, acceptances, the scorecard."""
