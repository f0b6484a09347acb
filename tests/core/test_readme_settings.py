"""The README's configuration table and the environment variables settings read are the
same list, and EXPORT_KEEP_DAYS reaches the exports."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Loads the settings with django-environ's one reading method spied on, and prints the
# names it was asked for (env.str, env.bool, env.db, env.path... all go through it).
SPY = """
import json, environ
asked = []
real = environ.Env.get_value
def get_value(self, var, *args, **kwargs):
    asked.append(var)
    return real(self, var, *args, **kwargs)
environ.Env.get_value = get_value
import django
django.setup()
from django.conf import settings
from cxlean.exports.models import keep_days
try:
    days = keep_days()
except AttributeError:
    days = None
setting = getattr(settings, "EXPORT_KEEP_DAYS", None)
print(json.dumps({"asked": asked, "keep_days": days, "setting": setting}))
"""


def readme_variables() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration (environment variables)", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, flags=re.M)


def load_settings(**environment) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cxlean.settings", **environment}
    done = subprocess.run(
        [sys.executable, "-c", SPY], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def asked_variables() -> set[str]:
    """What settings read in development and in production (some only when DEBUG is off)."""
    development = set(load_settings()["asked"])
    production = set(load_settings(DEBUG="false", SECRET_KEY="x" * 50)["asked"])
    assert {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"} <= production - development
    return development | production


def test_the_readme_table_lists_exactly_what_settings_read():
    documented = readme_variables()
    assert len(documented) >= 15 and "DATABASE_URL" in documented and "DEBUG" in documented
    asked = asked_variables()
    assert [name for name in documented if name not in asked] == []
    assert sorted(asked - set(documented)) == []


def test_export_keep_days_comes_from_the_environment():
    assert load_settings()["keep_days"] == 7
    loaded = load_settings(EXPORT_KEEP_DAYS="3")
    assert loaded["setting"] == 3 and loaded["keep_days"] == 3
