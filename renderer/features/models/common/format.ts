/** How the model manager writes sizes, speeds and times: short, in the units people read on a download page. */

/** Bytes in decimal units, as disks and the Hub count them: "812 kB", "4.1 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown size';
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(1)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${Math.round(bytes)} B`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : 'waiting for data';
}

/** Time left, rounded the way a person would say it: "40 s left", "3 min left", "1 h 5 min left". */
export function formatEta(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m > 0 ? `${h} h ${m} min left` : `${h} h left`;
}

/** A parameter count as model names say it: "494M", "7.6B", "1.1M". */
export function formatParams(n: number | null): string {
  if (n === null || !Number.isFinite(n) || n <= 0) return 'unknown';
  if (n >= 1e9) return `${trim(n / 1e9)}B`;
  if (n >= 1e6) return `${trim(n / 1e6)}M`;
  if (n >= 1e3) return `${trim(n / 1e3)}K`;
  return String(n);
}

/** Counts on the Hub (downloads, likes): "1.2M", "34K", "512". */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${trim(n / 1e6)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}K`;
  return n.toLocaleString('en-US');
}

export function formatTokensPerSecond(range: { low: number; high: number }): string {
  const f = (v: number): string => (v >= 10 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, ''));
  return range.low === range.high ? `${f(range.low)} tokens/s` : `${f(range.low)}–${f(range.high)} tokens/s`;
}

/** The last part of a path, on either kind of separator. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

const trim = (v: number): string => (v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, ''));
