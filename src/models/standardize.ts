import * as tf from "@tensorflow/tfjs-core"
import * as tfl from "@tensorflow/tfjs-layers"

export interface StandardizeConfig {
  /** Per-channel means (the last axis). */
  readonly mean: ReadonlyArray<number>
  /** Per-channel standard deviations. */
  readonly std: ReadonlyArray<number>
  readonly name?: string
  readonly inputShape?: Array<number>
}

/**
 * Fixed per-channel standardisation, (x − mean) / std over the last axis, as torchvision's
 * `Normalize` does before a network: a model that was trained on standardised inputs keeps the
 * standardisation inside, so its data stays in [0, 1] everywhere else (the oracle, backbones,
 * the adversarial strategies' step sizes). No weights.
 */
export class Standardize extends tfl.layers.Layer {
  static readonly className = "Standardize"
  readonly mean: ReadonlyArray<number>
  readonly std: ReadonlyArray<number>

  constructor(config: StandardizeConfig) {
    super({ ...(config.name === undefined ? {} : { name: config.name }), ...(config.inputShape === undefined ? {} : { inputShape: config.inputShape }) })
    if (config.mean.length !== config.std.length || config.std.some((s) => !(s > 0))) {
      throw new RangeError(`Standardize: one positive std per mean, got mean [${config.mean}] and std [${config.std}]`)
    }
    this.mean = [...config.mean]
    this.std = [...config.std]
  }

  override computeOutputShape(inputShape: tfl.Shape | Array<tfl.Shape>): tfl.Shape | Array<tfl.Shape> {
    return inputShape
  }

  override call(inputs: tf.Tensor | Array<tf.Tensor>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs
    return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d(this.mean as Array<number>)), tf.tensor1d(this.std as Array<number>)))
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: [...this.mean], std: [...this.std] }
  }
}
tf.serialization.registerClass(Standardize)
