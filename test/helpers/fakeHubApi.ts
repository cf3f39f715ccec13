import type { HubApiHandler } from './fakeHubTypes';

/** The Hub's JSON API (search, model info, tree) for the fake Hub. Placeholder until the Hub client lands. */
export const handleHubApi: HubApiHandler = () => false;
