"""Django's PostgreSQL backend, waiting through a database restart (see `base.py`)."""
