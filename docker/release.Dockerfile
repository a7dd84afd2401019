# The released image, one per platform of `docker buildx build --platform linux/amd64,linux/arm64`
# (scripts/release-image.sh): the binary `./build.sh --target=Publish` (and `--arch=arm64`) wrote
# for that platform, and nothing else. BuildKit only: TARGETARCH must stay without a default, or it
# would shadow the platform's own value. The labels are docker/Dockerfile's `labelled` ones.
FROM scratch
ARG TARGETARCH
ARG VERSION
ARG REVISION
ARG SOURCE
LABEL org.opencontainers.image.title=fwatchdog \
      org.opencontainers.image.version=${VERSION} \
      org.opencontainers.image.revision=${REVISION} \
      org.opencontainers.image.source=${SOURCE}
COPY artifacts/linux-${TARGETARCH}/fwatchdog /fwatchdog
ENTRYPOINT ["/fwatchdog"]
