import { galCnn } from "./gal-cnn.js"
import { mlp } from "./mlp.js"
import type { ModelFactory } from "./model-factory.js"

export interface CatalogueModel {
  readonly make: () => ModelFactory
  /** Training defaults from the model's source (used when the spec gives none). */
  readonly defaults: { readonly epochs: number; readonly batchSize: number }
}

/** Built-in models by name (`--model`). */
export const modelCatalogue: Readonly<Record<string, CatalogueModel>> = {
  mlp: { make: () => mlp(), defaults: { epochs: 10, batchSize: 64 } },
  /** Gal et al. (2017) and its reimplementations train 50 epochs with batch 128 from scratch each round. */
  "gal-cnn": { make: () => galCnn(), defaults: { epochs: 50, batchSize: 128 } }
}

export const modelNames: ReadonlyArray<string> = Object.keys(modelCatalogue)
