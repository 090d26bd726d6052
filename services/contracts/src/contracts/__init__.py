"""Contracts: the pipeline, bids, fair allocation of work (C1-C7), subcontracts and performance (P1)."""
