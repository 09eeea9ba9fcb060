import { WORKER_SCRIPT_PARAM } from './worker-assets';

/**
 * Starts a module worker from `url`. Browsers only start worker scripts of the page's own origin,
 * so a worker served from elsewhere (the script-tag widget from a CDN such as unpkg or jsDelivr, or
 * a bundler's assets on a CDN host) is started through a one-line same-origin `blob:` module that
 * imports it; the script must then be served with CORS, as those CDNs do, and a Content Security
 * Policy must allow `worker-src blob:`. The blob URL's fragment names the real script, against
 * which the worker resolves its assets (`worker-assets.ts`): nothing resolves against `blob:`.
 */
export function startModuleWorker(url: URL, options: WorkerOptions): Worker {
  const origin = (globalThis as { location?: { origin: string } }).location?.origin;
  if (origin === undefined || url.origin === origin) return new Worker(url, options);
  const script = new URL(url);
  script.hash = '';
  const source = `import ${JSON.stringify(script.href)};\n`;
  // Not revoked: the worker fetches it after this returns, and it is one line for the page's life.
  const bootstrap = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return new Worker(`${bootstrap}#${WORKER_SCRIPT_PARAM}=${encodeURIComponent(url.href)}`, options);
}
