"""Can the configured keys open what is stored? One known value, encrypted, answers it (for /readyz).

    problem = check_key(engine)     # None, or one sentence naming what the keys cannot open

The first check plants the canary, but only after one stored value of every encrypted column
decrypts: a database written under another key is caught even before it has a canary. Each
successful check writes the canary again, so it is always under the newest key and rotating keys
(new first, old dropped once secrets are rewritten) never leaves a stale canary behind.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from db.crypto import DecryptError
from db.errors import first_line
from db.keys import unreadable
from db.models import KeyCanary

CANARY = "meetbot key canary v1"
CANARY_ID = 1
WRONG_KEY = ("MEETBOT_SECRET_KEYS cannot decrypt {what}: the key is wrong or an old key was dropped "
             "too early (keep it after the new one until rotation is done).")


def check_key(engine: Engine) -> str | None:
    """None when the keys open the canary (planting or refreshing it); else one sentence saying why not."""
    table = KeyCanary.__table__  # type: ignore[attr-defined]
    try:
        with engine.begin() as connection:
            stored = connection.execute(select(table.c.value).where(table.c.id == CANARY_ID)).scalar_one_or_none()
            if stored is None:
                failing = unreadable(engine)
                if failing:
                    return WRONG_KEY.format(what=f"the stored {failing[0]}")
                connection.execute(table.insert().values(id=CANARY_ID, value=CANARY, written_at=datetime.now(UTC)))
                return None
            if stored != CANARY:
                return "The key canary holds an unexpected value; delete its row (table keycanary) to plant it again."
            connection.execute(update(table).where(table.c.id == CANARY_ID)
                               .values(value=CANARY, written_at=datetime.now(UTC)))
    except DecryptError:
        return WRONG_KEY.format(what="the key canary")
    except IntegrityError:
        return None  # another replica planted it between our read and our insert
    except SQLAlchemyError as error:
        return f"The key canary cannot be read or written: {first_line(error)}."
    return None

