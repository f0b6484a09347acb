"""Backup and restore, exactly as the manual says, proved end to end (`make backup-check`).

The operator's commands are not copied here: they are read from the manual
(docs/en/architecture.md, the fenced blocks ```sh backup``` and ```sh restore```; a test
keeps the Swedish chapter's blocks the same) and run as they stand. In between, this script:

1. creates a scratch PostgreSQL database, migrates it and loads the demo (with its uploaded
   files in a scratch MEDIA_ROOT);
2. runs the manual's backup block (pg_dump, tar of MEDIA_ROOT);
3. runs the manual's restore block into a database that does not exist yet (it creates it
   empty) and an empty MEDIA_ROOT;
4. compares the two: the number of rows of every model (history included) and every
   uploaded file, byte for byte;
5. starts gunicorn on the restored database and files, signs in as a demo person, and
   checks that an improvement's page shows its title and that an evidence file downloads
   with its content;
6. drops both databases and removes the scratch files, whatever happened.

Exit code 0 when all of it holds, 1 otherwise. The PostgreSQL server is libpq's PGHOST,
PGPORT, PGUSER and PGPASSWORD (default 127.0.0.1, 5432, postgres, no password).

    .venv/bin/python scripts/backup_restore_check.py
"""

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checks import (
    ROOT,
    Browser,
    CheckFailed,
    base_env,
    database_url,
    elapsed,
    free_port,
    gunicorn,
    manage,
    run,
    step,
    stop,
    wait_until_up,
)

MANUAL = ROOT / "docs" / "en" / "architecture.md"
VIEWER = "manager"  # Management reads everything and changes nothing

# Run in `manage.py shell` against a database: what the comparison and the web checks need.
PROBE = """
import json
from django.apps import apps
from django.contrib.auth import get_user_model
from cxlean.backlog.models import Item
from cxlean.checklists.models import Completion

viewer = get_user_model().objects.get(username=VIEWER)
counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
item = Item.objects.visible_to(viewer).order_by("pk").last()
tick = (
    Completion.objects.visible_to(viewer).exclude(evidence="").order_by("pk").last()
)
print(json.dumps({
    "counts": counts,
    "item": {"pk": item.pk, "title": item.title},
    "evidence": {"pk": tick.pk, "name": tick.evidence.name},
}))
""".replace("VIEWER", repr(VIEWER))


def manual_block(name: str, source: str | None = None) -> str:
    """The commands of the manual's fenced block ```sh <name>```."""
    text = source if source is not None else MANUAL.read_text(encoding="utf-8")
    found = re.findall(rf"^```sh {name}\n(.*?)^```$", text, flags=re.M | re.S)
    if len(found) != 1:
        raise CheckFailed(f"{MANUAL.name}: expected one ```sh {name}``` block, found {len(found)}")
    return found[0]


def run_manual(name: str, env: dict[str, str]) -> None:
    commands = manual_block(name)
    step(f"the manual's {name} steps:\n{commands.rstrip()}")
    run(["bash", "-euo", "pipefail", "-c", commands], env)


def database_exists(name: str, env: dict[str, str]) -> bool:
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    result = run(["psql", "--dbname=postgres", "-tAc", query], env)
    return result.stdout.strip() == "1"


def probe(env: dict[str, str]) -> dict:
    result = manage(["shell", "-c", PROBE], env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def files(media_root: Path) -> dict[str, str]:
    """Every file under MEDIA_ROOT with the SHA-256 of its content."""
    return {
        str(path.relative_to(media_root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }


def serve_and_check(env: dict[str, str], source: dict, media_root: Path, log: Path) -> None:
    """gunicorn on the restored database: sign in, read an improvement, download evidence."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    step(f"gunicorn on the restored database at {base}")
    server = gunicorn("gunicorn", port, env, log)
    try:
        wait_until_up(base, server)
        browser = Browser()
        if browser.sign_in(base, VIEWER).at_login:
            raise CheckFailed(f"signing in as {VIEWER} on the restored database failed")

        item = source["item"]
        page = browser.get(f"{base}/improvements/{item['pk']}/").text
        if html.escape(item["title"], quote=False) not in page and item["title"] not in page:
            raise CheckFailed(f"/improvements/{item['pk']}/ does not show “{item['title']}”")
        print(f"   /improvements/{item['pk']}/ shows “{item['title']}”")

        evidence = source["evidence"]
        body = browser.get(f"{base}/checklists/evidence/{evidence['pk']}/").body
        if body != (media_root / evidence["name"]).read_bytes() or not body:
            raise CheckFailed(f"evidence {evidence['pk']} did not download with its content")
        print(f"   /checklists/evidence/{evidence['pk']}/ downloads {evidence['name']}")
    finally:
        stop(server)


def check(scratch: Path, source_db: str, restored_db: str, env: dict[str, str]) -> None:
    media, restored_media = scratch / "media", scratch / "restored-media"
    backup = scratch / "backup"
    backup.mkdir()

    def app_env(db: str, media_root: Path) -> dict[str, str]:
        return {
            **env,
            "DATABASE_URL": database_url(db),
            "MEDIA_ROOT": str(media_root),
            "DB": db,
            "BACKUP": str(backup),
        }

    source_env, restored_env = app_env(source_db, media), app_env(restored_db, restored_media)

    step(f"scratch database {source_db}: migrate and load the demo")
    run(["createdb", source_db], env)
    manage(["migrate", "--noinput"], source_env)
    step("load the demo")
    manage(["demo"], source_env)
    step("count the rows and files of the source")
    source = probe(source_env)
    source_files = files(media)
    if not source_files or source["evidence"]["name"] not in source_files:
        raise CheckFailed("the demo left no uploaded files to back up")

    run_manual("backup", source_env)

    if database_exists(restored_db, env):
        raise CheckFailed(f"{restored_db} exists already; the restore must start from nothing")
    run_manual("restore", restored_env)

    step("compare the restored database and files with the source")
    restored = probe(restored_env)
    differ = {
        label: (count, restored["counts"].get(label))
        for label, count in source["counts"].items()
        if restored["counts"].get(label) != count
    }
    if differ or restored != source:
        raise CheckFailed(f"rows differ after restore (source, restored): {differ or restored}")
    if files(restored_media) != source_files:
        raise CheckFailed("the restored MEDIA_ROOT differs from the backed-up one")
    counts = source["counts"]
    print(
        f"   {len(counts)} tables equal: {counts['auth.User']} people, "
        f"{counts['plans.Plan']} plans, {counts['backlog.Item']} improvements, "
        f"{counts['metrics.SurveyAnswer']} survey answers; {len(source_files)} files equal"
    )

    serve_and_check(restored_env, source, restored_media, scratch / "gunicorn.log")


def main() -> int:
    suffix = f"{os.getpid()}_{int(time.time())}"
    source_db, restored_db = f"cxlean_backup_{suffix}", f"cxlean_restored_{suffix}"
    scratch = Path(tempfile.mkdtemp(prefix="cxlean-backup-check-"))
    env = base_env(
        # Background work the demo queues stays in the scratch folder, on no one's broker.
        CELERY_BROKER_URL="filesystem://localhost/",
        CELERY_DATA_DIR=str(scratch / "celery"),
    )
    try:
        check(scratch, source_db, restored_db, env)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        for db in (restored_db, source_db):
            subprocess.run(["dropdb", "--if-exists", db], env=env, check=False)
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"backup and restore: OK ({elapsed():.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
