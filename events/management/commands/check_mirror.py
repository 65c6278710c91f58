from django.core.management.base import BaseCommand, CommandError

from events import mirror


class Command(BaseCommand):
    help = (
        "Check a static mirror: every file against MANIFEST.sha256 (none changed, missing or "
        "unlisted), every internal link and #fragment, and with --allowed-signers and "
        "--identity the manifest's SSH signature. Exits 1 on any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--allowed-signers", help="ssh-keygen allowed_signers file.")
        parser.add_argument("--identity", help="The signer's identity in that file.")

    def handle(self, directory, allowed_signers=None, identity=None, **options):
        problems = mirror.check_manifest(directory)
        broken = mirror.check_links(directory)
        problems += [f"broken link: {link}" for link in broken]
        if allowed_signers or identity:
            if not (allowed_signers and identity):
                raise CommandError("--allowed-signers and --identity go together.")
            problems += mirror.check_signature(directory, allowed_signers, identity)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problems in the mirror at {directory}.")
        files = len(mirror.mirror_files(directory))
        self.stdout.write(f"{files} files match the manifest; 0 broken links.")
