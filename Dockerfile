# Production image: the API serving the built client. The database is MongoDB (MONGODB_URI), Redis REDIS_URL.
FROM node:20-bookworm-slim AS build
WORKDIR /hub
COPY package.json package-lock.json ./
COPY api/package.json api/
COPY client/package.json client/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY api api
COPY client client
COPY content content
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /hub
# No redis-server in the image: MongoDB only (bucket leaderboards) unless REDIS_URL names a Redis, as
# docker-compose.yml does for several instances.
ENV NODE_ENV=production PORT=3000 REDIS_URL=none
COPY --from=build /hub/node_modules node_modules
COPY --from=build /hub/api/package.json api/
COPY --from=build /hub/api/dist api/dist
COPY --from=build /hub/client/build client/build
COPY --from=build /hub/content content
USER node
EXPOSE 3000
CMD ["node", "api/dist/main.js"]
