// The @example of loadDataset in src/data/catalogue.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Effect } from "effect"
import { Data } from "deal-active-learning"

// A dataset by the name --dataset_name takes: a built-in (mnist, fashion-mnist, spam), or folder:, csv:, jsonl: with a path.
const spam = await Effect.runPromise(Data.loadDataset("spam", { seed: 1 }))
assert.deepStrictEqual(spam.train.classNames, ["ham", "spam"])
assert.ok(spam.train.texts !== undefined && Data.size(spam.test) > 0)
