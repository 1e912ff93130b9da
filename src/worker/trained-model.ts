import type { TrainReport } from '../shared/types';
import { CollaborativeModel } from '../models/collaborative-model';
import { CollaborativeBlend } from '../models/collaborative-blend';
import { VaeNetwork, type VaeArchitecture, type VaeWeights } from '../models/vae/vae-network';

// Kept apart from on-device-training.ts so that serving a trained model does not load the trainer.

/** What training produces: plain weights (transferable between workers) and their item columns. */
export interface TrainedWeights {
  weights: VaeWeights;
  arch: VaeArchitecture;
  itemIds: string[];
  report: TrainReport;
}

/** The serving model built from trained weights (frozen, on this worker's backend). */
export function modelFromWeights(trained: TrainedWeights, rowById: ReadonlyMap<string, number>, catalogSize: number): CollaborativeModel {
  const scorer = new CollaborativeBlend(new VaeNetwork(trained.arch, trained.weights, false));
  return CollaborativeModel.fromScorer(
    scorer,
    trained.itemIds,
    rowById,
    catalogSize,
    `vae@on-device (${trained.report.sessions} baskets, ${trained.report.epochs} epochs)`,
  );
}
