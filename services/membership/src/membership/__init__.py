"""Membership: member organisations, joining and due diligence (M1), the capability register (M2)."""
