/** Remote OpenAI-compatible providers: add, key, models and prices, enable. */
export function ProvidersPanel() {
  return <p>Remote providers are not built yet.</p>;
}
