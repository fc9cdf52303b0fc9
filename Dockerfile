# memlayer container image: multi-stage, slim Node base, non-root user, data on a volume.
# Build: docker build -t memlayer .   Run: docker run -p 6379:6379 -p 7380:7380 -v memlayer:/data memlayer
# A cluster member: docker run ... memlayer server --bind 0.0.0.0 --advertise HOST --data-dir /data
#   --id N --peers ...   (--advertise is required with a wildcard bind in a cluster; README.md)

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Toolchain for the optional native kernels (node-gyp builds them from source; no downloads).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY native ./native
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY bin ./bin
COPY proto ./proto
COPY scripts ./scripts
RUN npx tsc -p tsconfig.json && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system memlayer && useradd --system --gid memlayer --home-dir /app memlayer \
    && mkdir -p /data && chown memlayer:memlayer /data
COPY --from=build --chown=memlayer:memlayer /app/package.json ./
COPY --from=build --chown=memlayer:memlayer /app/node_modules ./node_modules
COPY --from=build --chown=memlayer:memlayer /app/dist/src ./dist/src
COPY --from=build --chown=memlayer:memlayer /app/bin ./bin
COPY --from=build --chown=memlayer:memlayer /app/proto ./proto
COPY --from=build --chown=memlayer:memlayer /app/native ./native
USER memlayer
VOLUME ["/data"]
EXPOSE 6379 7380 7381
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7380/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--initial-old-space-size=256", "bin/memlayer.js"]
CMD ["server", "--bind", "0.0.0.0", "--data-dir", "/data"]
