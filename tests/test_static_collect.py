"""Production static files: the manifest storage must build every file a page references.

The vendored Chart.js came with a `//# sourceMappingURL=chart.umd.min.js.map` comment but without
the map; we strip the comment rather than ship a 1 MB debugging aid or relax the manifest's
strictness (which would hide a genuinely missing file)."""

from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_with_manifest_storage_builds_every_vendored_file(tmp_path: Path):
    # given production's storage (hashed names; a reference to a missing file is an error)
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGES):
        # when
        call_command("collectstatic", interactive=False, verbosity=0)

    # then the manifest maps the vendored scripts and our stylesheet to hashed, compressed files
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("feedback/vendor/chart-4.6.1.umd.min.js", "earshot.css"):
        assert f'"{name}"' in manifest
    hashed = list((tmp_path / "feedback" / "vendor").glob("chart-4.6.1.umd.min.*.js"))
    assert hashed, "no hashed Chart.js"
    assert Path(f"{hashed[0]}.gz").exists()
