/** Where answers ran, why, their tokens and cost, and the month's spending against the cap. */
export function RouteLogPanel() {
  return <p>The routing log is not built yet.</p>;
}
