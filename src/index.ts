export { createRecommender, type Recommender } from './api/create-recommender';
export { LocalrecError, ERROR_CODES, isLocalrecError, type ErrorCode } from './api/errors';
export type * from './api/types';
