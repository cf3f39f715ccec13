/** The API server's settings, key and request log. */
export function ApiServerPanel() {
  return <p>The API server is not built yet.</p>;
}
