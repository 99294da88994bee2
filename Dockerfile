# syntax=docker/dockerfile:1
#
# hardhull's own container image: one static binary on an empty base,
# run as an unprivileged user.
#
#   docker build -t hardhull .
#   docker run --rm -v "$PWD:/src:ro" hardhull scan /src
#
# No HEALTHCHECK: hardhull is a command-line tool that runs once and exits.
# There is no long-running service for an orchestrator to probe.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /build
# Modules first, so the download layer is reused while only the code changes.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
# CGO off: a static binary needs no libc in the runtime image.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/hardhull/hardhull/internal/buildinfo.version=${VERSION} -X github.com/hardhull/hardhull/internal/buildinfo.commit=${COMMIT} -X github.com/hardhull/hardhull/internal/buildinfo.date=${DATE}" \
      -o /out/hardhull ./cmd/hardhull
# The runtime image's user, its own temporary directory (image audits
# stream layers through a temporary file) and CA roots for registries.
RUN mkdir -p /out/etc /out/tmp \
 && echo 'nonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin' > /out/etc/passwd \
 && echo 'nonroot:x:65532:' > /out/etc/group \
 && chmod 0700 /out/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /out/ca-certificates.crt

# hardhull ignore=DF019 -- a CLI runs once and exits: nothing to probe (see the top of this file)
FROM scratch
LABEL org.opencontainers.image.title="hardhull" \
      org.opencontainers.image.description="Audits containerized apps against Docker security best practices" \
      org.opencontainers.image.source="https://github.com/hardhull/hardhull" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/etc/passwd /out/etc/group /etc/
COPY --from=build /out/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build --chown=65532:65532 /out/tmp /tmp
COPY --from=build /out/hardhull /usr/local/bin/hardhull
ENV TMPDIR=/tmp
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/hardhull"]
CMD ["scan", "/src"]
