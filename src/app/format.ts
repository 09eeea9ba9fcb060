const priceFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const numberFormat = new Intl.NumberFormat('en-GB');

/** A price in the demo shop's currency; "Price on request" when unknown. */
export function formatPrice(price: number | undefined): string {
  return price === undefined || !Number.isFinite(price)
    ? 'Price on request'
    : priceFormat.format(price);
}

/** An integer with thousands separators. */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** Bytes in B / KB / MB / GB (powers of 1024), one decimal above bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A duration: "850 ms", "12.3 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

/** A share in [0, 1] as a percentage with `digits` decimals. */
export function formatPercent(share: number, digits = 0): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)}%` : '—';
}

/** A clock time for today's events, else a short date and time. */
export function formatTime(timestamp: number, now: number = Date.now()): string {
  const date = new Date(timestamp);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
