"""Settings by environment: ``base`` (read from environment variables), ``production``, ``test``."""
