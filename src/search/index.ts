export { DEFAULT_BOOSTS } from './index-layout';
export { SearchIndex, type SearchHit, type SearchIndexOptions, type IndexQuery } from './search-index';
export { DEFAULT_PERSONALIZE_WEIGHT, personalize, type InterestScores, type PersonalizedHit } from './personalize';
export { MAX_QUERY_TERMS, MAX_SEARCH_QUERY_LENGTH, SEARCH_FIELDS, type SearchField } from './search-text';
