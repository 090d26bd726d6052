from hubkit.migrations import run_env
from contracts.adapters.orm import Base

run_env(Base.metadata)
