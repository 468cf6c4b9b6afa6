# The jcm service: REST API, search and web pages. Data (catalog, original files, embedded index) in /data.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    JCM_DATA_DIR=/data \
    JCM_HOST=0.0.0.0 \
    JCM_PORT=8000

WORKDIR /app
COPY pyproject.toml README.md ./
COPY corpus ./corpus
COPY extractors ./extractors
COPY checks ./checks
COPY indices ./indices
COPY application ./application
COPY service ./service
RUN pip install . && python -c "from indices import warm_up; warm_up()"

RUN useradd --create-home --uid 1000 jcm && mkdir -p /data && chown jcm /data
USER jcm
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"

CMD ["jcm", "serve"]
