# syntax=docker/dockerfile:1
# Runtime image for raftlite, built from the Spring Boot jar produced by `./mvnw package`:
#   ./mvnw -B -DskipTests package && docker build -t raftlite .
# Without a Docker engine, use Jib instead: ./mvnw -B -DskipTests package jib:buildTar

# --- builder: explode the jar into Spring Boot layers (dependencies change less often than code)
FROM eclipse-temurin:17-jre AS builder
WORKDIR /build
ARG JAR_FILE=target/raftlite-*.jar
COPY ${JAR_FILE} app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# --- runtime
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 raftlite \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin raftlite \
 && mkdir -p /data \
 && chown 10001:10001 /data
WORKDIR /app
# One COPY per layer, least to most frequently changed, so rebuilds reuse the cached ones.
COPY --from=builder /build/extracted/dependencies/ ./
COPY --from=builder /build/extracted/spring-boot-loader/ ./
COPY --from=builder /build/extracted/snapshot-dependencies/ ./
COPY --from=builder /build/extracted/application/ ./
# Size the heap from the container's memory limit; die (and be restarted) rather than limp on OOM.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Dsun.net.inetaddr.ttl=5"
USER 10001:10001
VOLUME /data
# 4001: HTTP API, health and metrics; 4002: Raft and cluster RPC.
EXPOSE 4001 4002
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "org.springframework.boot.loader.launch.JarLauncher"]
# A single node reachable from outside the container; the Helm chart replaces these arguments.
CMD ["-http-addr", "0.0.0.0:4001", "-raft-addr", "0.0.0.0:4002", "/data"]
