# The web app and the indexer (one image, two commands; see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A CJK font: PDFs that do not embed theirs (SimSun, STSong) are read through pdfium's glyph
# boxes, which are empty without one (the reader then falls back to pdfminer's geometry,
# ~4x slower, and pages without rules lose one-character text objects).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user owns the app, the samples and jieba's dictionary cache.
RUN useradd --create-home --home-dir /home/app --uid 10001 --shell /usr/sbin/nologin app

WORKDIR /app
COPY pyproject.toml README.md ./
COPY analyzers/ analyzers/
COPY indexer/ indexer/
COPY webapp/ webapp/
RUN pip install . && chown -R app:app /app

# The sample disclosures `disclosure index data/` reads (any local data/index.sqlite is not
# used by the Elasticsearch deployment; keep it out with a .dockerignore).
COPY --chown=app:app data/ data/

USER app
# Build jieba's dictionary cache (~/.cache/disclosure-search) once, at image build time,
# so neither service pays for it at start-up.
RUN python -c "from analyzers.tokenizer import get_analyzer; get_analyzer()"

EXPOSE 8000
CMD ["disclosure", "serve", "--host", "0.0.0.0", "--port", "8000"]
