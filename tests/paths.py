"""Where tests find the repository and the shared provider specs.

    schema = spec_file("slack", "manifest-schema", "manifest.schema.1.0.0.json")

The specs (Whereby's OpenAPI file, Slack's manifest schema, real ClickMeeting bodies) are third-party
data files kept in the project's ``shared/specs`` folder beside the checkout, not in this
repository: the workplace allows fetched data to be committed only there (see
``shared/specs/PROVENANCE.md``). ``MEETBOT_SHARED_DIR`` points elsewhere. A test that needs one
skips with the path it looked at; under ``CI=true`` (where ``shared/`` is always laid beside the
clone) it fails instead, so CI never silently skips it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("MEETBOT_SHARED_DIR", REPO_ROOT.parent / "shared"))
SPECS_DIR = SHARED_DIR / "specs"


def spec_file(*parts: str) -> Path:
    """The spec file under ``shared/specs``; skip (fail under CI) when it is not there."""
    path = SPECS_DIR.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI lays shared/ beside the clone, so spec tests must run.")
        pytest.skip(f"{path} is not there: set MEETBOT_SHARED_DIR to the folder holding specs/.")
    return path
