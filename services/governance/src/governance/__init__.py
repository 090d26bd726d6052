"""Governance: the hub model (H1-H3), bodies, meetings, declarations, votes and decisions (G1-G12)."""
