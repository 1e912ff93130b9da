// Type tests of the public API: `npm test` type-checks this file (tsc), and vitest runs it.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createRecommender,
  LocalrecError,
  type ErrorCode,
  type LocalRecommender,
  type StartingRecommender,
  type Recommendation,
  type Recommender,
  type RecommenderOptions,
  type RecommenderStatus,
  type TrackInput,
} from '../../../src/index';

describe('public API types', () => {
  it('createRecommender takes one options object and resolves to a Recommender', () => {
    expectTypeOf(createRecommender).parameters.toEqualTypeOf<[RecommenderOptions]>();
    expectTypeOf(createRecommender).returns.resolves.toEqualTypeOf<LocalRecommender>();
    expectTypeOf<LocalRecommender>().toMatchTypeOf<Recommender>();
    expectTypeOf<LocalRecommender['onChange']>().returns.toEqualTypeOf<() => void>();
  });

  it('what createRecommender returns is usable before it resolves (calls wait for start-up)', () => {
    expectTypeOf(createRecommender).returns.toEqualTypeOf<StartingRecommender>();
    expectTypeOf<StartingRecommender>().toMatchTypeOf<Recommender>();
    expectTypeOf<StartingRecommender['track']>().toEqualTypeOf<Recommender['track']>();
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
