export { createRecommender, type Recommender } from './client/create-recommender';
export { LocalrecError, ERROR_CODES, isLocalrecError, type ErrorCode } from './shared/errors';
export type * from './shared/types';
