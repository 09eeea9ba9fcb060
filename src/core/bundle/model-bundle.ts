import type { EventWeights } from '../data/types';
import type { ContentTowerJson } from '../models/content/content-tower-model';
import type { ContentTower } from '../models/content';
import type { MfModel } from '../models/mf/mf-model';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import type { ConfidenceTransform } from '../tune/confidence';
import type { TuningChoice } from '../tune/tune-types';

/**
 * For-you scoring of a neighbour family or blend: `mfWeight·(xᵀv + β·b) + neighborWeight·Σ_h
 * w(h → i)` over the visitor's history items h, with w from `lists` (row i: items that speak for i).
 */
export interface BundleNeighborScoring {
  readonly lists: SparseNeighbors;
  readonly mfWeight: number;
  readonly neighborWeight: number;
}

/** How a bundle was trained (shown in UIs and CLI output). */
export interface BundleTrainingInfo {
  readonly computePath: string;
  readonly computeChoice: string;
  readonly epochs: number;
  readonly trainMs: number;
  readonly finalLoss: number;
  readonly users: number;
  readonly interactions: number;
  /** Items that got their embedding from the content tower (no interactions). */
  readonly coldItems: number;
}

/** A content tower as a bundle file stores it: its JSON state and its tensors. */
export interface ContentTowerState {
  readonly json: ContentTowerJson;
  readonly tensors: Readonly<Record<string, Float32Array | Int32Array>>;
}

/**
 * Everything needed to serve every recommendation row for a catalog, without TF.js. Item index i
 * refers to `itemIds[i]` in every array.
 */
export interface ModelBundle {
  readonly createdAt: string;
  readonly itemIds: readonly string[];
  /** Item factors/biases; cold items carry content-tower embeddings. */
  readonly mf: MfModel;
  /** Distinct users per item in the training data. */
  readonly popularity: Float32Array;
  /** Time-decayed popularity. */
  readonly trending: {
    readonly scores: Float32Array;
    readonly now: number;
    readonly halfLifeMs: number;
  };
  /** Basket/session co-occurrence neighbours ("frequently bought together"). */
  readonly coOccurrence: SparseNeighbors;
  /** Maps item content to embeddings for items added after training; absent without a catalog. */
  readonly contentTower: ContentTower | null;
  /**
   * The content tower as stored, when a serving decode (`decodeServingBundle`) left it unbuilt
   * (`contentTower` is then null): re-encoding keeps it, and code that needs the tower builds it
   * with `contentTowerFromState`.
   */
  readonly contentTowerState?: ContentTowerState;
  readonly training: BundleTrainingInfo;
  /**
   * Event weights training used; the runtime folds visitors in with the same ones. Absent in
   * bundles from before tuning: `DEFAULT_EVENT_WEIGHTS`.
   */
  readonly eventWeights?: EventWeights;
  /**
   * How summed pair weights became MF confidences; fold-in applies the same transform. Absent in
   * bundles from before tuning: raw weights (`LEGACY_CONFIDENCE`).
   */
  readonly confidence?: ConfidenceTransform;
  /** What tuning chose (absent for bundles trained before tuning existed). */
  readonly tuning?: TuningChoice;
  /** Present when a neighbour family or blend was chosen; absent means pure MF for-you rows. */
  readonly neighborScoring?: BundleNeighborScoring;
  /**
   * Present when this bundle is the head of a larger one (`headOfBundle`): it serves only the most
   * popular items until the full model file arrives.
   */
  readonly head?: BundleHead;
}

/** What a head bundle says about the full model it stands in for. */
export interface BundleHead {
  /** Address of the full model file, relative to the head file's own address. */
  readonly fullModel: string;
  /** Items of the full model. */
  readonly totalItems: number;
}
