"""rigour's territory-name table from our cache file gives rigour's own lookups.

Each case runs in a fresh interpreter: `install` replaces a process-wide table once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sanctionwatch.sources.territories import cache_file

SAMPLES = [
    "Germany",
    "Russian Federation",
    "Iran (Islamic Republic of)",
    "Côte d'Ivoire",
    "Burma",
    "KOREA, NORTH",
    "Crimea",
    "Atlantis",
    "Türkiye",
    "россия",
]

FIRST_RUN = """
import sys
from pathlib import Path
from rigour.territories import lookup
from followthemoney.types import registry
from sanctionwatch.sources import territories

original = lookup._get_territory_names
assert territories.install(Path(sys.argv[1]))
assert lookup._get_territory_names is not original
cached, own = lookup._get_territory_names(), original()
assert cached == own and all(cached[k] is own[k] for k in own), "tables differ"
print(len(cached))
"""

CACHED_RUN = """
import json, sys
from pathlib import Path
from rigour.territories import lookup
from followthemoney.types import registry
from sanctionwatch.sources import territories

def refuse():
    raise AssertionError("rigour's table was rebuilt")

lookup._get_territory_names = refuse
assert territories.install(Path(sys.argv[1]))
print(json.dumps([registry.country.clean(s) for s in json.loads(sys.argv[2])]))
"""

PLAIN_RUN = """
import json, sys
from followthemoney.types import registry
print(json.dumps([registry.country.clean(s) for s in json.loads(sys.argv[1])]))
"""


def _run(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_first_use_writes_the_table_and_rigour_gets_the_same(tmp_path: Path) -> None:
    count = int(_run(FIRST_RUN, str(tmp_path)))
    stored = json.loads(cache_file(tmp_path).read_text(encoding="utf-8"))
    assert len(stored) == count > 10_000
    assert stored["germany"] == "de"


def test_later_runs_read_the_file_and_clean_as_rigour_does(tmp_path: Path) -> None:
    _run(FIRST_RUN, str(tmp_path))
    samples = json.dumps(SAMPLES)
    cached = json.loads(_run(CACHED_RUN, str(tmp_path), samples))
    plain = json.loads(_run(PLAIN_RUN, samples))
    assert cached == plain
    assert cached[0] == "de" and cached[SAMPLES.index("Atlantis")] is None


def test_a_broken_file_is_rebuilt(tmp_path: Path) -> None:
    path = cache_file(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"germany": "no-such-code"}', encoding="utf-8")
    _run(FIRST_RUN, str(tmp_path))
    assert json.loads(path.read_text(encoding="utf-8"))["germany"] == "de"
