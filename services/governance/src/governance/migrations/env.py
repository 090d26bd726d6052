from hubkit.migrations import run_env
from governance.adapters.orm import Base

run_env(Base.metadata)
