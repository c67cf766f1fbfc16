# fitcoach API / projector / migrations image: `fitcoach serve` by default, `fitcoach project` or
# `fitcoach migrate` as the command for the other roles (see docker-compose.yml).
# `pip install .` installs the packages pyproject's [tool.setuptools.packages.find] includes and its py-modules (the app
# reads no other file at run time); tests/test_compose_packaging.py checks that list against the source tree.
# Run alone, with no FITCOACH_DATABASE_URL, it uses the embedded PostgreSQL and a generated access-token
# secret, both in FITCOACH_DATA_DIR (/var/lib/fitcoach; mount a volume there to keep them). In
# docker-compose.yml it gets the stack's URLs and FITCOACH_JWT_SECRET instead.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY . .
RUN pip install .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN groupadd --system --gid 10001 fitcoach \
    && useradd --system --uid 10001 --gid fitcoach --no-create-home --home-dir /nonexistent fitcoach \
    && install -d -o fitcoach -g fitcoach -m 0750 /var/lib/fitcoach
ENV FITCOACH_DATA_DIR=/var/lib/fitcoach
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER fitcoach
EXPOSE 8000
CMD ["fitcoach", "serve", "--host", "0.0.0.0", "--port", "8000"]
