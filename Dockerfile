# syntax=docker/dockerfile:1
# One image for every service. Pick the service with the APP build arg
# (`docker build --build-arg APP=device-service .`), the APP environment variable, or the command
# (`node dist/apps/device-service/src/main.js`); `node dist/tools/migrate/migrate.js` runs migrations.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ARG APP=""
ENV NODE_ENV=production APP=${APP}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
# Reported by cloudphone_build_info{version,revision}: `--build-arg BUILD_REVISION=$(git rev-parse HEAD)`
# (`unknown` without it); an empty BUILD_VERSION keeps the default, package.json's version. Declared
# after the npm ci layers, so a new revision does not reinstall the dependencies.
ARG BUILD_VERSION=""
ARG BUILD_REVISION=unknown
ENV BUILD_VERSION=${BUILD_VERSION} BUILD_REVISION=${BUILD_REVISION}
# The image's own user (uid 1000); the files stay root-owned and read-only to it.
USER node
EXPOSE 30001 30002 30005 30006 30007 30008
HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "dist/tools/docker/healthcheck.js", "/health/live"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/tools/docker/start-app.js"]
