// Type tests of the public API: `npm test` type-checks this file (tsc), and vitest runs it.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createRecommender,
  LocalrecError,
  type ErrorCode,
  type Recommendation,
  type Recommender,
  type RecommenderOptions,
  type RecommenderStatus,
  type TrackInput,
} from '../../../src/index';

describe('public API types', () => {
  it('createRecommender takes one options object and resolves to a Recommender', () => {
    expectTypeOf(createRecommender).parameters.toEqualTypeOf<[RecommenderOptions]>();
    expectTypeOf(createRecommender).returns.resolves.toEqualTypeOf<Recommender>();
  });

  it('methods are typed end to end', () => {
    expectTypeOf<Recommender['recommend']>().returns.resolves.toEqualTypeOf<Recommendation[]>();
    expectTypeOf<Recommender['status']>().returns.toEqualTypeOf<RecommenderStatus>();
    expectTypeOf<RecommenderStatus['backend']>().toEqualTypeOf<'webgpu' | 'webgl' | 'wasm' | 'cpu'>();
    expectTypeOf<LocalrecError['code']>().toEqualTypeOf<ErrorCode>();
  });

  it('events need an itemId, searches a query', () => {
    expectTypeOf<{ type: 'view'; itemId: string }>().toMatchTypeOf<TrackInput>();
    expectTypeOf<{ type: 'search'; query: string }>().toMatchTypeOf<TrackInput>();
    // @ts-expect-error a view without an item id is not a TrackInput
    const bad: TrackInput = { type: 'view' };
    void bad;
  });
});
