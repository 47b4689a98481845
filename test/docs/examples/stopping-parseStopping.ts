// The @example of parseStopping in src/stopping/catalogue.ts (written by npm run docs; edit it there).
import assert from "node:assert"
import { Either } from "effect"
import { Stopping } from "deal-active-learning"

// A criterion by its command-line name, with its main parameter as name=value.
const parsed = Stopping.parseStopping("stabilizing-predictions=0.98")
assert.ok(Either.isRight(parsed) && parsed.right.name === "stabilizing-predictions=0.98")
assert.ok(Either.isLeft(Stopping.parseStopping("stabilising-predictions")))
