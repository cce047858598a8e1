"""Every bench runs on a database of its own: created, migrated, and dropped at exit.

    from bench.database import own_database
    own_database("ingest")      # before django.setup(); sets DATABASE_URL for child processes too

The server is the one `DATABASE_URL` names (or BENCH_POSTGRES_URL, or the local PostgreSQL); the
database is `earshot_bench_<name>_<pid>`, so two benches never share rows. `--keep-db` on a bench
(or BENCH_KEEP_DB=1) leaves it for inspection and prints its URL.
"""

import atexit
import os
import sys
from urllib.parse import urlparse

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _server_url() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if not url.startswith("postgres"):
        sys.exit(f"Benchmarks need PostgreSQL; {url.split(':')[0]} was given.")
    return urlparse(url)._replace(path="/postgres").geturl()


def own_database(name: str, *, keep: bool = False) -> str:
    """Create `earshot_bench_<name>_<pid>`, point DATABASE_URL at it, set Django up and migrate.
    Returns the database URL. The database is dropped when the process exits."""
    import psycopg

    server = _server_url()
    db_name = f"earshot_bench_{name}_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}"')
    url = urlparse(server)._replace(path=f"/{db_name}").geturl()
    os.environ["DATABASE_URL"] = url
    keep = keep or os.environ.get("BENCH_KEEP_DB") == "1"
    atexit.register(_drop, server, db_name, keep)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(f"bench database: {db_name} (created and migrated)", file=sys.stderr, flush=True)
    return url


def _drop(server: str, db_name: str, keep: bool) -> None:
    if keep:
        print(f"bench database kept: {db_name}", file=sys.stderr)
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
