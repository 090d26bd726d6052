"""Finance: shared-staff time (H4), full-cost rates (F3), recharges, budgets and variations (F1)."""
