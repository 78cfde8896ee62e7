"""Lake upkeep: the parts the warehouse registers, and compaction of replaced article versions."""

from __future__ import annotations

from pathlib import Path

from flows import warehouse


def registered_parts(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT path FROM _lake_parts").fetchall()}


def compact_lake(con, warehouse_dir: Path, *, run_id: str, log=None) -> int:
    """Rewrite lake parts that still hold replaced article versions. Returns parts rewritten.

    A part that is missing, damaged (its checksum differs from the one recorded) or unreadable
    is left alone with its stale rows still listed: the run goes on, and ``newsetl check``
    reports the part (``newsetl repair`` rewrites it from the tables). Compaction never
    wedges a run.
    """
    from flows.lake import file_sha256, register_parts, rewrite_without

    stale = con.execute(
        "SELECT p.path, p.table_name, p.run_id, p.batch, p.sha256, list(DISTINCT s.article_id) "
        "FROM _lake_parts p JOIN _lake_stale s ON s.run_id = p.run_id "
        "GROUP BY ALL ORDER BY p.path"
    ).fetchall()
    rewritten = 0
    blocked: set[str] = set()
    for rel, table, part_run, batch, digest, ids in stale:
        new_rel = rel.removesuffix(".parquet").split("~")[0] + f"~{run_id}.parquet"
        path = warehouse_dir / rel
        try:
            if not path.exists():
                raise OSError(f"registered part {rel} is missing")
            if digest is not None and file_sha256(path) != digest:
                raise OSError(f"part {rel} does not match its recorded checksum")
            result = rewrite_without(warehouse_dir, rel, set(ids), new_rel)
        except Exception as exc:
            blocked.add(part_run)
            if log is not None:
                log.warning(
                    "compaction skipped %s (%s): run `newsetl check` / `newsetl repair`", rel, exc
                )
            continue
        if result is None:
            continue
        kept, new_digest = result
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM _lake_parts WHERE path = ?", [rel])
        if kept:
            register_parts(
                con, [(new_rel, table, part_run, batch, kept, warehouse.utcnow(), new_digest)]
            )
        con.execute("COMMIT")
        path.unlink(missing_ok=True)
        rewritten += 1
    con.execute(
        "DELETE FROM _lake_stale WHERE run_id NOT IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(blocked)],
    )
    return rewritten
