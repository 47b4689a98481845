import * as tf from "@tensorflow/tfjs-core"
import * as tfl from "@tensorflow/tfjs-layers"
import { deriveSeed } from "../runtime/random.js"

export interface SeededDropoutConfig {
  readonly rate: number
  readonly seed: number
  readonly name?: string
}

/**
 * Dropout whose masks come from the run's seed: call i uses the mask seeded by hash(seed, i).
 * tfjs's own Dropout either reuses one fixed mask (with a seed) or draws from the unseeded global generator
 * (without one); this layer gives a fresh mask per training step and per MC-dropout pass that is
 * still reproducible. Active when called with `training: true`, the identity otherwise.
 */
export class SeededDropout extends tfl.layers.Layer {
  static readonly className = "SeededDropout"
  readonly rate: number
  private baseSeed: number
  private calls = 0

  constructor(config: SeededDropoutConfig) {
    super(config.name === undefined ? {} : { name: config.name })
    if (!(config.rate >= 0 && config.rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${config.rate}`)
    this.rate = config.rate
    this.baseSeed = config.seed >>> 0
    this.supportsMasking = true
  }

  /** Restarts the mask stream at `seed`: the next masks are those of a fresh layer with that seed. */
  reseed(seed: number): void {
    this.baseSeed = seed >>> 0
    this.calls = 0
  }

  override computeOutputShape(inputShape: tfl.Shape | Array<tfl.Shape>): tfl.Shape | Array<tfl.Shape> {
    return inputShape
  }

  override call(inputs: tf.Tensor | Array<tf.Tensor>, kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs
    if (kwargs["training"] !== true || this.rate === 0) return x
    const seed = deriveSeed(this.baseSeed, this.calls++)
    return tf.dropout(x, this.rate, undefined, seed)
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.baseSeed }
  }
}
tf.serialization.registerClass(SeededDropout)

/** Reseeds every SeededDropout layer of a model, each from its own derived seed. */
export const reseedDropout = (model: tfl.LayersModel, seed: number): void => {
  model.layers.forEach((layer, i) => {
    if (layer instanceof SeededDropout) layer.reseed(deriveSeed(seed, "dropout", i))
  })
}
