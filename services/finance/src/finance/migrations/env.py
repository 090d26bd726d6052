from hubkit.migrations import run_env
from finance.adapters.orm import Base

run_env(Base.metadata)
