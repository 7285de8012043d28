/** Injection token of the feed's settings (FeedSettings). */
export const FEED_SETTINGS = Symbol('FEED_SETTINGS');
