# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript, the widget and the one-file server bundle with every dependency
# (the build starts the bundle once on PGlite to write its V8 code cache, dist/server.bundle.js.cache:
# both stages use the same Node image, so the cache is accepted at run time), then run the bundle
# (packages/server/dist/server.mjs → server.bundle.js, its pages and widget in dist/assets) with
# production dependencies only (PGlite stays external), as the unprivileged `node` user. The compiled
# packages stay in the image for `node packages/server/dist/migrate.js` (fly.toml's release_command).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/domain/package.json packages/domain/
COPY packages/adapters/package.json packages/adapters/
COPY packages/coze-sim/package.json packages/coze-sim/
COPY packages/coze-proxy/package.json packages/coze-proxy/
COPY packages/server/package.json packages/server/
COPY packages/widget/package.json packages/widget/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY packages ./packages
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/domain/package.json packages/domain/
COPY --from=build /app/packages/domain/dist packages/domain/dist
COPY --from=build /app/packages/adapters/package.json packages/adapters/
COPY --from=build /app/packages/adapters/dist packages/adapters/dist
COPY --from=build /app/packages/server/package.json packages/server/
COPY --from=build /app/packages/server/dist packages/server/dist
COPY --from=build /app/packages/widget/package.json packages/widget/
COPY --from=build /app/packages/widget/dist packages/widget/dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "packages/server/dist/server.mjs"]
