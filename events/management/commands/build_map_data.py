"""manage.py build_map_data [--check]: rebuild events/fixtures/map_outlines.json from the npm
package world-atlas (Natural Earth, public domain), installed by `npm ci --prefix mapdata`.

The site reads only the committed file; this command is for whoever updates the outlines or
checks that the committed file is what the pinned package gives (--check: exit 1 if not).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events import maps

ATLAS = Path(settings.BASE_DIR) / "mapdata" / "node_modules" / "world-atlas"


def read_topology(name, atlas=ATLAS):
    path = atlas / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise CommandError(
            f"{path} is missing: run `npm ci --prefix mapdata` first (needs npm)."
        ) from None


def built_text(atlas=ATLAS):
    outlines = maps.build_outlines(
        read_topology("countries-110m.json", atlas), read_topology("countries-50m.json", atlas)
    )
    return maps.dump_outlines(outlines)


class Command(BaseCommand):
    help = "Rebuild the map outlines from world-atlas (npm), or --check the committed file."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Only compare: exit 1 if the committed file differs.")

    def handle(self, *args, check, **options):
        text = built_text()
        if check:
            if maps.OUTLINES_PATH.read_text(encoding="utf-8") != text:
                raise CommandError(f"{maps.OUTLINES_PATH} differs from what world-atlas gives: "
                                   "run manage.py build_map_data and commit it.")
            self.stdout.write(self.style.SUCCESS("The map outlines match world-atlas."))
            return
        maps.OUTLINES_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {maps.OUTLINES_PATH} ({len(text.encode()):,} bytes)."
        ))
