# syntax=docker/dockerfile:1
# Build: docker build -t extramile .
# Run:   docker run -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -v extramile-data:/data extramile
# Check: docker exec <container> /usr/local/bin/extramile doctor
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/extramile ./cmd/extramile \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/extramile /usr/local/bin/extramile
COPY --from=build --chown=65532:65532 /out/data /data
# Tokens come only from the environment (SLACK_BOT_TOKEN, SLACK_APP_TOKEN); the database lives on the volume.
ENV EXTRAMILE_DB_PATH=/data/extramile.db
# The health and metrics listener (off by default for the binary) is on in the image, for the
# HEALTHCHECK below; publish it with -p 127.0.0.1:9090:9090 to scrape /metrics. To turn it off,
# run with -e EXTRAMILE_HTTP_ADDR= and --no-healthcheck.
ENV EXTRAMILE_HTTP_ADDR=:9090
EXPOSE 9090
VOLUME ["/data"]
USER nonroot:nonroot
# No shell or curl in this image: the binary asks its own /readyz (exit 0 when ready).
HEALTHCHECK --interval=30s --timeout=15s --start-period=30s --retries=3 CMD ["/usr/local/bin/extramile", "health"]
ENTRYPOINT ["/usr/local/bin/extramile"]
CMD ["run"]
