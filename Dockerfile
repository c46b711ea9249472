# LayerScope: serves the app on 0.0.0.0:8000.
# The first stage builds the wheel (static/ and templates/ go inside the package); the image
# installs that wheel and its dependencies only, so it holds no copy of the source.
FROM python:3.11-slim AS build

WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY static ./static
COPY templates ./templates
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home layerscope
USER layerscope
WORKDIR /home/layerscope

EXPOSE 8000
CMD ["layerscope", "--host", "0.0.0.0", "--port", "8000"]
