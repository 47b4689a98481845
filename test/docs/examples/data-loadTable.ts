// The @example of loadTable in src/data/table.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { Data } from "deal-active-learning"

// One CSV file: a label column and numeric features, split 80/20 by the seed (a folder with train.csv and test.csv keeps its split).
const file = join(mkdtempSync(join(tmpdir(), "deal-")), "points.csv")
writeFileSync(file, ["x,y,label", ...Array.from({ length: 50 }, (_, i) => `${i},${50 - i},${i < 25 ? "low" : "high"}`)].join("\n"))
const { train, test } = await Effect.runPromise(Data.loadTable("csv", file, { seed: 1 }))
assert.deepStrictEqual([Data.size(train), Data.size(test), train.shape, [...train.classNames].sort()], [40, 10, [2], ["high", "low"]])
