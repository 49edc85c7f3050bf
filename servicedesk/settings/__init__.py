"""Settings split by environment: ``base`` (embedded default), ``local``, ``test``, ``production``."""
