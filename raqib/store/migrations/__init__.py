"""Alembic migrations of raqib's store; run by ``raqib.store.open_store`` (and ``raqib db upgrade``)."""
