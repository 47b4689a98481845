/** The name of each file of a run directory (`run-files.ts` holds their formats, readers and writers). */
export const runFile = {
  spec: "spec.json",
  results: "results.json",
  resultsCsv: "results.csv",
  timings: "timings.csv",
  observations: "observations.jsonl",
  predictions: "predictions.csv",
  checkpoint: "checkpoint.json",
  labels: "labels.jsonl",
  labelSpec: "label.json",
  lock: ".lock",
  /** Written by `deal stop-analysis`. */
  stoppingCsv: "stopping.csv",
  stoppingSvg: "stopping.svg"
} as const
