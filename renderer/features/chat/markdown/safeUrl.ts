/**
 * The address a link in model output may open: an absolute http(s) URL, normalised; null for anything else
 * (`javascript:`, `data:`, `file:`, `vbscript:`, `mailto:`, relative paths and fragments), which then shows as
 * plain text. Model output is untrusted, so this is an allow-list, not a block-list.
 */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  const trimmed = url.trim();
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    const u = new URL(trimmed);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
