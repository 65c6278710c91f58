from django.core.management.base import BaseCommand, CommandError

from events import mirror


class Command(BaseCommand):
    help = (
        "Write a static mirror of the public site into DIR (a new or empty folder): every "
        "page, the chronology per month and per category, the exports and the static files, "
        "linked relatively, with MANIFEST.sha256; --sign-key signs the manifest with an SSH "
        "key. See docs/mirrors.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--sign-key", help="An SSH private key file (ssh-keygen -t ed25519) to sign with."
        )

    def handle(self, directory, sign_key=None, **options):
        try:
            exporter = mirror.export_site(directory)
        except mirror.ExportError as error:
            raise CommandError(str(error)) from None
        files = len(mirror.mirror_files(directory))
        self.stdout.write(f"Wrote {files} files and {mirror.MANIFEST} to {directory}.")
        if sign_key:
            signature = mirror.sign_manifest(directory, sign_key)
            self.stdout.write(f"Signed: {signature}")
        if exporter.problems:
            for problem in exporter.problems:
                self.stderr.write(f"Not exported: {problem}")
            raise CommandError(f"{len(exporter.problems)} addresses could not be exported.")
