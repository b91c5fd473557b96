"""Network: security groups and their rules (and which groups an instance is in)."""
