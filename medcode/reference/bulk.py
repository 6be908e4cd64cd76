"""Writing millions of rows of one release (NCCI PTP edits) straight into their table.

The parser yields plain tuples of the model's fields (tables.Parsed.columns); building a model
instance per row, as the other reference files do, would take minutes for a 4-million-row release.
"""

from contextlib import closing

from django.db import connection, transaction


def copy_rows(parsed, release, progress, batch_size=50_000):
    """Write tuples of parsed.columns straight into the model's table, streaming.

    The rows come sorted by the model's first index; every other index would take them in random
    order, which makes a 4-million-row load several times slower. Those are dropped for the load
    and built again after it by sorting (each in its own short transaction, so readers of other
    releases wait for neither); a load that dies midway leaves them to the next one to rebuild.
    """
    meta = parsed.model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(name).column) for name in (*parsed.columns, "release"))
    table = quote(meta.db_table)
    # Inside a caller's transaction (a test, a wrapping atomic block) PostgreSQL refuses to build an index
    # on a table with deferred constraint checks pending: the indexes then stay as they are.
    later = [] if connection.in_atomic_block else meta.indexes[1:]
    _build_indexes(parsed.model, later)  # left out by an interrupted load
    with connection.cursor() as cursor:
        for index in later:
            cursor.execute(f"DROP INDEX IF EXISTS {quote(index.name)}")
    try:
        if connection.vendor == "postgresql":
            count = _copy_postgresql(parsed, release, table, names, progress)
        else:
            count = _insert_sqlite(parsed, release, table, names, progress, batch_size)
    finally:
        progress("  indexing")
        _build_indexes(parsed.model, later)
    return count


def _build_indexes(model, indexes):
    meta, quote = model._meta, connection.ops.quote_name
    with connection.cursor() as cursor:
        for index in indexes:
            columns = ", ".join(quote(meta.get_field(name).column) for name in index.fields)
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {quote(index.name)} ON {quote(meta.db_table)} ({columns})")


def _copy_postgresql(parsed, release, table, names, progress, batch_size=100_000):
    # One COPY per batch, all in one transaction (readers do not see the release until it is complete
    # anyway). A batch is read before its COPY starts: reading may query (a new rationale wording), and
    # a connection in COPY can run no other statement.
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in _batches(parsed.rows, batch_size):
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row((*row, release.pk))
            count += len(batch)
            if count % 500_000 == 0:
                progress(f"  {count:,} rows")
    return count


def _batches(rows, size):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_sqlite(parsed, release, table, names, progress, batch_size):
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['?'] * (len(parsed.columns) + 1))})"
    count = 0
    connection.ensure_connection()
    # sqlite3's own cursor: Django's wrapper adds nothing here but time per batch.
    with closing(connection.connection.cursor()) as cursor:
        for batch in _batches(parsed.rows, batch_size):
            # Short transactions: SQLite has one writer, and the site stays writable meanwhile.
            with transaction.atomic():
                cursor.executemany(sql, [(*row, release.pk) for row in batch])
            count += len(batch)
            if count % 500_000 == 0:
                progress(f"  {count:,} rows")
    return count