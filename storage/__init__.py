"""The one database layer: SQLAlchemy Core tables, small repositories, Alembic migrations.

SQLite (a file in NEWSDESK_DATA_DIR) by default, PostgreSQL when NEWSDESK_DATABASE_URL names one.
``schema`` is the only module that knows the tables; the rest talks to the repositories.
"""
