export { DEFAULT_BOOSTS, SearchIndex, type SearchHit, type SearchIndexOptions, type SearchOptions } from './search-index';
export { DEFAULT_PERSONALIZE_WEIGHT, personalize, type InterestScores, type PersonalizedHit } from './personalize';
export { MAX_QUERY_TERMS, MAX_SEARCH_QUERY_LENGTH, SEARCH_FIELDS, type SearchField } from './search-text';
