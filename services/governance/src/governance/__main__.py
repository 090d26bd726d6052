import sys

from .app import SERVICE

sys.exit(SERVICE.main())
