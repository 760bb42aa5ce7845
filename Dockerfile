# syntax=docker/dockerfile:1
# Build: docker build -t extramile .
# Run:   docker run -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -v extramile-data:/data extramile
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
VOLUME ["/data"]
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/extramile"]
CMD ["run"]
