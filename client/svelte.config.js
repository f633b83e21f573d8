import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // Built static and served by the API; every unknown path gets index.html (client routing).
    adapter: adapter({ fallback: 'index.html', strict: true }),
    alias: {
      // The socket contract is defined once, by the server; the client imports its types.
      $events: '../api/src/realtime/server-events.ts',
      // Event times (both zones, the check-in window) are read by one pure module, shared with the API.
      $eventTime: '../api/src/events/event-time.ts',
    },
  },
};
