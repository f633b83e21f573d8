import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const api = process.env.HUB_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: { '/api': api, '/socket.io': { target: api, ws: true } },
    fs: { allow: ['../api/src/realtime', '../api/src/events/event-time.ts'] },
  },
});
