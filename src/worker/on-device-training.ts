import * as tf from '@tensorflow/tfjs-core';
import { LocalrecError } from '../shared/errors';
import type { BackendName, Interaction, ProgressEvent, TrainOptions, TrainReport } from '../shared/types';
import { buildTrainingMatrix, parseInteractions } from '../models/vae/training-data';
import { VAE_PARAM_NAMES, vaeParamShapes, type VaeWeights } from '../models/vae/vae-network';
import { DEFAULT_VAE_TRAIN_CONFIG, VaeTrainer } from '../models/vae/vae-trainer';
import type { BehaviourStore } from '../store/behaviour-store';
import type { TrainedWeights } from './trained-model';
import { nextTask } from '../util/next-task';

export type { TrainedWeights };

export const TRAINING_CHECKPOINT = 'training:vae';
const CHECKPOINT_FORMAT = 1;

interface TrainingCheckpoint {
  format: number;
  fingerprint: string;
  hidden: number;
  latent: number;
  epoch: number;
  itemIds: string[];
  weights: VaeWeights;
}

async function loadInteractions(source: TrainOptions['interactions']): Promise<Interaction[]> {
  if (Array.isArray(source)) return source;
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new LocalrecError('INVALID_ARGUMENT', 'interactions must be an array or a URL.');
  }
  let response: Response;
  try {
    response = await fetch(String(source), { credentials: 'same-origin' }); // training data URL (anonymous baskets) only
  } catch (error) {
    throw new LocalrecError('INVALID_ARGUMENT', `Fetching the interactions failed: ${(error as Error).message}`);
  }
  if (!response.ok) throw new LocalrecError('INVALID_ARGUMENT', `Fetching the interactions gave HTTP ${response.status}.`);
  return parseInteractions(await response.text());
}

function checkPositiveInteger(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new LocalrecError('INVALID_ARGUMENT', `${name} must be an integer from 1 to ${max}.`);
  }
  return value;
}

/**
 * Trains the VAE in the worker on anonymous baskets, in small slices so that recommend() keeps
 * answering, with a checkpoint in IndexedDB after every epoch: a reload resumes from the last
 * completed epoch instead of starting over.
 */
export async function trainVaeWeights(
  options: Omit<TrainOptions, 'onProgress'>,
  context: {
    store: BehaviourStore;
    isKnownItem: (id: string) => boolean;
    backend: BackendName;
    onProgress?: (event: ProgressEvent) => void;
    /** Resolves with the reason if the backend's device is lost: training stops with BACKEND_LOST. */
    deviceLost?: Promise<string>;
  },
): Promise<TrainedWeights> {
  const epochs = checkPositiveInteger(options.epochs, 'epochs', 10, 1000);
  const hidden = checkPositiveInteger(options.hidden, 'hidden', DEFAULT_VAE_TRAIN_CONFIG.hidden, 4096);
  const latent = checkPositiveInteger(options.latent, 'latent', DEFAULT_VAE_TRAIN_CONFIG.latent, 2048);
  const sliceSteps = checkPositiveInteger(options.sliceSteps, 'sliceSteps', 2, 10_000);
  const data = buildTrainingMatrix(await loadInteractions(options.interactions), context.isKnownItem);
  if (data.sessions === 0) throw new LocalrecError('INVALID_ARGUMENT', 'No interaction names a catalog item.');

  const trainer = new VaeTrainer(data.matrix, { hidden, latent, epochs, validationMetric: 'NDCG@100' });
  const started = performance.now();
  let resumedFromEpoch = 0;
  let checkpointError: TrainReport['checkpointError'] = null;
  try {
    const record = await context.store.getCheckpoint(TRAINING_CHECKPOINT).catch(() => undefined);
    const saved = record?.data as TrainingCheckpoint | undefined;
    // A checkpoint this code cannot read (another format, e.g. from a newer version, or damaged
    // weights) is rejected with a typed error in the report and rebuilt by this run; one for other
    // data or another network shape is simply not this run's, and is replaced too.
    const shapes = vaeParamShapes(trainer.network.arch);
    const damaged =
      record === undefined
        ? null
        : saved?.format !== CHECKPOINT_FORMAT
          ? `format ${JSON.stringify((saved as { format?: unknown } | undefined)?.format ?? null)} is not ${CHECKPOINT_FORMAT}`
          : saved.hidden === hidden &&
              saved.latent === latent &&
              (typeof saved.weights !== 'object' ||
                saved.weights === null ||
                VAE_PARAM_NAMES.some((name) => !(saved.weights[name] instanceof Float32Array) || saved.weights[name].length !== shapes[name].reduce((a, b) => a * b, 1)))
            ? 'its weights are damaged'
            : null;
    if (damaged !== null) {
      checkpointError = { code: 'MODEL_INVALID', message: `The training checkpoint was rejected (${damaged}); training starts over and rewrites it.` };
      await context.store.deleteCheckpoint(TRAINING_CHECKPOINT).catch(() => undefined);
    } else if (
      saved?.format === CHECKPOINT_FORMAT &&
      saved.fingerprint === data.fingerprint &&
      saved.hidden === hidden &&
      saved.latent === latent &&
      Array.isArray(saved.itemIds) &&
      saved.itemIds.join('\n') === data.itemIds.join('\n')
    ) {
      trainer.network.assign(saved.weights);
      trainer.epoch = Math.min(saved.epoch, epochs);
      trainer.step = trainer.epoch * trainer.stepsPerEpoch;
      resumedFromEpoch = trainer.epoch;
    }
    const totalSteps = epochs * trainer.stepsPerEpoch;
    let loss = Number.NaN;
    let lostReason: string | null = null;
    const lost = context.deviceLost?.then((reason) => {
      lostReason = reason;
      throw new LocalrecError('BACKEND_LOST', `The ${context.backend} device was lost during training: ${reason}`, { backend: context.backend });
    });
    lost?.catch(() => undefined); // observed by the race below
    const step = async () => {
      try {
        return await (lost ? Promise.race([trainer.trainSteps(sliceSteps, true), lost]) : trainer.trainSteps(sliceSteps, true));
      } catch (error) {
        // A lost device also makes the step itself fail (e.g. a rejected buffer read).
        if (lostReason !== null && !(error instanceof LocalrecError)) throw new LocalrecError('BACKEND_LOST', `The ${context.backend} device was lost during training: ${lostReason}`, { backend: context.backend });
        throw error;
      }
    };
    // Memory: the first slice runs under tf.profile (its peak includes the step's transient
    // activations and gradients); later slices add the steady state (weights + Adam moments).
    let peakTensorBytes = 0;
    let steadyTensorBytes = 0;
    let profiled = false;
    while (trainer.epoch < epochs) {
      let slice!: Awaited<ReturnType<typeof step>>;
      if (!profiled) {
        const info = await tf.profile(async () => {
          slice = await step();
        });
        peakTensorBytes = Math.max(peakTensorBytes, info.peakBytes);
        profiled = true;
      } else slice = await step();
      steadyTensorBytes = Math.max(steadyTensorBytes, tf.memory().numBytes);
      peakTensorBytes = Math.max(peakTensorBytes, steadyTensorBytes);
      loss = slice.loss;
      context.onProgress?.({
        stage: 'train',
        epoch: trainer.epoch + (slice.epochDone ? 0 : 1),
        loss,
        loaded: trainer.step,
        total: totalSteps,
        overall: Math.min(1, trainer.step / totalSteps),
        backend: context.backend,
      });
      if (slice.epochDone) {
        const checkpoint: TrainingCheckpoint = {
          format: CHECKPOINT_FORMAT,
          fingerprint: data.fingerprint,
          hidden,
          latent,
          epoch: trainer.epoch,
          itemIds: data.itemIds,
          weights: await trainer.network.weights(),
        };
        // Best effort: without room for a checkpoint, training goes on; only resuming is lost.
        await context.store.putCheckpoint({ name: TRAINING_CHECKPOINT, savedAt: Date.now(), data: checkpoint }).catch(() => undefined);
      }
      // Lets queued messages (recommend(), track()…) run between training slices.
      await nextTask();
    }
    // A run resumed at its last epoch trains no step; what it holds is still the network and its moments.
    steadyTensorBytes = Math.max(steadyTensorBytes, tf.memory().numBytes);
    peakTensorBytes = Math.max(peakTensorBytes, steadyTensorBytes);
    const weights = await trainer.network.weights();
    const arch = trainer.network.arch;
    trainer.dispose();
    const seconds = (performance.now() - started) / 1000;
    const trainedExamples = trainer.examples;
    return {
      weights,
      arch,
      itemIds: data.itemIds,
      report: {
        backend: context.backend,
        epochs,
        resumedFromEpoch,
        sessions: data.sessions,
        items: data.itemIds.length,
        skipped: data.skipped,
        examples: trainedExamples,
        seconds,
        examplesPerSecond: trainedExamples / Math.max(seconds, 1e-9),
        loss,
        where: 'in-thread',
        backendFailures: [],
        memory: { peakTensorBytes, steadyTensorBytes },
        checkpointError,
      },
    };
  } catch (error) {
    trainer.dispose();
    throw error;
  }
}
