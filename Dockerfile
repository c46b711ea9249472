# LayerScope: serves the app on 0.0.0.0:8000.
FROM python:3.11-slim

WORKDIR /srv/layerscope
COPY pyproject.toml README.md ./
COPY app ./app
COPY static ./static
COPY templates ./templates
# Editable install: the app finds static/ and templates/ beside its package.
RUN pip install --no-cache-dir -e . \
    && useradd --create-home layerscope
USER layerscope

EXPOSE 8000
CMD ["layerscope", "--host", "0.0.0.0", "--port", "8000"]
