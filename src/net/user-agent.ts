// The User-Agent ipclue sends: honest about who is asking, with a page that explains it.
export const DEFAULT_USER_AGENT = 'ipclue/0.1 (+https://github.com/ipclue/ipclue)';
