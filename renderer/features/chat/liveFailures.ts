/**
 * Answers that failed while this page was open. Only those are announced (role="alert"): a chat opened later
 * with an old failed answer in it shows the reason without a screen reader calling it out as news.
 */
export const liveFailures = new Set<string>();
