# The invgraph API / scheduler image. Neo4j runs in its own container (docker-compose.yml);
# the embedded-Neo4j launcher is for development machines and is not used here.
# The dashboard console's JavaScript, at the versions package-lock.json pins (the same `npm ci` as make setup).
FROM node:20-slim AS js
WORKDIR /js
COPY api/static/vendor/package.json api/static/vendor/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
COPY --from=js /js/node_modules api/static/vendor/node_modules
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
# Optional extras, e.g. --build-arg EXTRAS=gcp for the GCP Cloud Asset collector.
ARG EXTRAS=""
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --system --uid 10001 --create-home --home-dir /home/invgraph invgraph
COPY --from=build /wheels /wheels
RUN set -eu; wheel="$(ls /wheels/invgraph-*.whl)"; \
    pip install --no-cache-dir "${wheel}${EXTRAS:+[$EXTRAS]}"; \
    rm -rf /wheels
USER invgraph
WORKDIR /home/invgraph
EXPOSE 8000
CMD ["invgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
