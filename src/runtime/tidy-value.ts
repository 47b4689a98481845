import * as tf from "@tensorflow/tfjs-core"

/**
 * Runs `f` in `tf.tidy` and returns its plain (non-tensor) value: every tensor made inside is
 * freed. Unlike returning a typed array from `tf.tidy`, whose result tidy walks element by
 * element looking for tensors, this costs nothing for large arrays.
 */
export const tidyValue = <A>(f: () => A): A => {
  let out: A | undefined
  tf.tidy(() => {
    out = f()
  })
  return out as A
}
