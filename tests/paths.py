"""Where tests find the shared provider documents and specs (``../shared`` beside the checkout)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("MEETBOT_SHARED_DIR", REPO_ROOT.parent / "shared"))
SPECS_DIR = SHARED_DIR / "specs"
