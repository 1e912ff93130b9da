export { createRecommender, type LocalRecommender, type StartingRecommender, type RecommenderChange } from './client/create-recommender';
export type { Recommender } from './shared/contract';
export { LocalrecError, ERROR_CODES, isLocalrecError, type ErrorCode } from './shared/errors';
export type * from './shared/types';
export type * from './shared/status';
