# meetbot for operators: `docker build -t meetbot .` then see compose.yaml (PostgreSQL) or the README.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# The pinned dependencies come from pyproject.toml, exactly as CI tested them.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
COPY providers ./providers
COPY db ./db
RUN pip install . \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/meetbot --create-home meetbot

USER meetbot
WORKDIR /var/lib/meetbot
# A SQLite file in the home volume by default; compose.yaml sets a PostgreSQL DATABASE_URL instead.
ENV PORT=3000 \
    DATABASE_URL=sqlite:////var/lib/meetbot/meetbot.db
VOLUME ["/var/lib/meetbot"]
EXPOSE 3000

# Ready = database reachable, schema at head, keys open the canary, scheduler ticking (see /readyz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '3000'), timeout=4)"

CMD ["meetbot", "serve"]
