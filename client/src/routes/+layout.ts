// A single-page app served by the API: nothing is rendered on a server.
export const ssr = false;
export const prerender = false;
