"""db/crypto.py: the vault's keys as operators write them."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from db.crypto import SecretKeyError, Vault


def test_malformed_key_is_one_clear_error() -> None:
    with pytest.raises(SecretKeyError, match="key #2 is not a valid Fernet key"):
        Vault.from_setting(Fernet.generate_key().decode() + ",not-a-key")
