from hubkit.migrations import run_env
from membership.adapters.orm import Base

run_env(Base.metadata)
