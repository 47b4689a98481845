import { Args, Command } from "@effect/cli"
import { join } from "node:path"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { runFile } from "../run/run-file-names.js"
import { defaultCostWeights } from "../stopping/analysis.js"
import { givenFields, listFlag, numberFlag } from "./flags.js"

export const options = {
  runDir: Args.directory({ name: "RUN_DIR", exists: "yes" }).pipe(Args.withDescription("a run directory written by deal run")),
  futurePredictions: numberFlag("future_predictions", "predictions the model makes after stopping (n in the cost)", { default: defaultCostWeights.futurePredictions }),
  misclassificationCost: numberFlag("misclassification_cost", "cost of one wrong prediction (m)", { default: defaultCostWeights.misclassificationCost }),
  labelCost: numberFlag("label_cost", "cost of one label (l)", { default: defaultCostWeights.labelCost }),
  criteria: listFlag("criteria", "criteria to evaluate (default: every stopping method and the run's budgets)", "kappa,max-labels=1000")
}

/** `deal stop-analysis RUN_DIR`: where each stopping criterion would have stopped the run. */
export const stopAnalysisCommand = Command.make("stop-analysis", options, (o) =>
  Effect.gen(function* () {
    const { stopAnalysis, stoppingTable } = yield* Effect.promise(() => import("../run/stop-analysis.js"))
    const points = yield* stopAnalysis(o.runDir, {
      weights: { futurePredictions: o.futurePredictions, misclassificationCost: o.misclassificationCost, labelCost: o.labelCost },
      ...givenFields({ criteria: o.criteria })
    })
    yield* Console.log(stoppingTable(points).select("criterion", "fired", "round", "labels", "accuracy", "macro_f1", "labels_saved", "accuracy_change", "cost").toMarkdown())
    yield* Console.log(`wrote ${join(o.runDir, runFile.stoppingCsv)} and ${join(o.runDir, runFile.stoppingSvg)}`)
  })
).pipe(
  Command.withDescription(
    "Evaluate every stopping criterion on a finished run: the round and labels where each stops, accuracy and F1 there, and a cost C = (1 − accuracy)·n·m + labels·l."
  )
)
