# syntax=docker/dockerfile:1
# imagine-bot: build the executable jar with the Maven wrapper, run it on a JRE as a non-root user.
#
#   docker build -t imagine-bot .
#   docker run -d --name imagine-bot -e DISCORD_TOKEN -e TELEGRAM_TOKEN -e HF_TOKEN \
#     -v imagine-data:/data imagine-bot
#
# Optional: -v "$PWD/config.yml:/app/config.yml:ro" (see config.example.yml).

FROM maven:3.9-eclipse-temurin-17 AS build
# ./mvnw fetches the pinned Maven release through the image's mvn and unpacks it with unzip.
RUN apt-get update \
 && apt-get install -y --no-install-recommends unzip \
 && rm -rf /var/lib/apt/lists/*
# The maven image sets MAVEN_CONFIG to a directory; Maven would read it as arguments.
ENV MAVEN_CONFIG=""
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl bot-app -am package -DskipTests \
 && cp bot-app/target/imagine-bot.jar /imagine-bot.jar

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 bot \
 && useradd --system --uid 10001 --gid bot --home-dir /data --no-create-home --shell /usr/sbin/nologin bot \
 && mkdir -p /app /data \
 && chown bot:bot /data
COPY --from=build /imagine-bot.jar /app/imagine-bot.jar
WORKDIR /app
# The H2 database and the downloaded images live here; keep it on a volume across upgrades.
VOLUME /data
USER bot
# /healthz and /metrics (Prometheus).
EXPOSE 9464
# The JRE image has no curl: the jar checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-jar", "/app/imagine-bot.jar", "healthcheck", "--port", "9464"]
# Tokens come from the environment (DISCORD_TOKEN, TELEGRAM_TOKEN, optional HF_TOKEN), never the image.
# `docker stop` sends SIGTERM: front-ends stop, running jobs get timeouts.shutdown to finish.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-jar", "/app/imagine-bot.jar"]
CMD ["run", "--data-dir", "/data", "--http-port", "9464"]
