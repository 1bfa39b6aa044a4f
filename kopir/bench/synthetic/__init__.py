"""A deterministic synthetic national dataset (`manage.py kopir_generate`).

Every value comes from a `random.Random` seeded by the run's seed and the part being written, so
the same seed and scale give the same rows on any machine. Rows are written straight to the
tables (COPY on PostgreSQL, batched INSERTs on SQLite) with ids allocated here, because the ORM's
per-object overhead would make a national dataset take hours; each part is one transaction and is
skipped when a re-run finds it written, so an interrupted run resumes where it stopped.
"""
