"""manage.py compile_translations: compile every .po file of the project into the .mo file
Django reads, with polib (pure Python), so a new machine needs nothing but Python: Django's own
compilemessages needs GNU gettext's msgfmt. The install step (make run, make test) runs it; the
.mo files are build products and are not committed.

Refuses (exit 1, nothing written for that file) a catalogue with a syntax error, or an entry
whose placeholders (%(name)s, {name}) differ from its msgid's, so a translation can never make
a page fail with a KeyError at render time.
"""

import os
import re
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{(\w*)\}")


def catalogue_paths():
    folders = [Path(p) for p in settings.LOCALE_PATHS]
    # The project's own apps only (not the installed packages, whose .mo files ship built).
    folders += [Path(app.path) / "locale" for app in apps.get_app_configs()
                if Path(app.path).is_relative_to(settings.BASE_DIR)
                and "site-packages" not in Path(app.path).parts]
    for folder in folders:
        if folder.is_dir():
            yield from sorted(folder.glob("*/LC_MESSAGES/*.po"))


def placeholders(text):
    return sorted({m.group(0) for m in PLACEHOLDER.finditer(text)})


def problems(catalogue):
    for entry in catalogue.translated_entries():
        expected = placeholders(entry.msgid)
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if entry.msgid_plural:
            expected_any = {tuple(expected), tuple(placeholders(entry.msgid_plural))}
        else:
            expected_any = {tuple(expected)}
        for text in translations:
            found = tuple(placeholders(text))
            # A plural form may leave out the count (Russian "одно событие" for n = 1).
            if found not in expected_any and not (
                entry.msgid_plural and set(found) < set(expected)
            ):
                yield f"{entry.msgid[:60]!r}: placeholders {list(found)} != {expected}"


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po) into .mo files, with polib."

    def handle(self, *args, **options):
        failed = []
        for path in catalogue_paths():
            try:
                catalogue = polib.pofile(str(path))
            except (OSError, ValueError) as error:
                failed.append(f"{path}: {error}")
                continue
            found = list(problems(catalogue))
            if found:
                failed += [f"{path}: {problem}" for problem in found]
                continue
            # Written beside, then renamed over: a process reading the catalogue meanwhile
            # (a test worker, a running server) sees the old file or the new, never half.
            target = path.with_suffix(".mo")
            partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            catalogue.save_as_mofile(str(partial))
            os.replace(partial, target)
            self.stdout.write(
                f"{path}: {len(catalogue.translated_entries())} "
                f"translated, {len(catalogue.untranslated_entries())} untranslated."
            )
        if failed:
            raise CommandError("Not compiled:\n" + "\n".join(failed))
