/**
 * The worker thread of `deal experiment` (`runtime/thread.ts`): with its own tfjs backend, it
 * runs the jobs (`GridJob`) the parent asks for, one at a time, each completed round its progress
 * and the job's outcome its value. Started by `runGrid` from the compiled `dist/`.
 */
import * as Effect from "effect/Effect"
import { serveThread } from "../runtime/thread.js"
import { type GridJob, type JobRound, runGridJob } from "./job.js"

serveThread(() => Effect.succeed((job: GridJob, progress: (round: JobRound) => void) => runGridJob(job, progress)))
