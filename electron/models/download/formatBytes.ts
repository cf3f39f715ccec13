/** Bytes for people: "812 KB", "4.1 GB" (decimal units, as disks and the Hub count them). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${n >= 100 ? n.toFixed(0) : n.toFixed(1)} ${units[u]}`;
}
