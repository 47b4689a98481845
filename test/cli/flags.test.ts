// One flag vocabulary: every command that takes a flag takes the same declaration of it, names
// are checked against the catalogues the same way everywhere, and a typo gets the nearest name.
import { Command } from "@effect/cli"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { experimentCommand } from "../../src/cli/experiment-command.js"
import { flagProblem } from "../../src/cli/flag-check.js"
import { closest, commaList, didYouMean } from "../../src/cli/flags.js"
import { labelCommand, labelFlags } from "../../src/cli/label-command.js"
import { runCommand, options as runFlags } from "../../src/cli/run-command.js"
import { serveCommand, serveFlags } from "../../src/cli/serve-command.js"

/** Runs `deal ARGS` in this process: the failure it ends with (its message), or undefined. */
const failureOf = <N extends string, R, E, A>(command: Command.Command<N, R, E, A>, args: ReadonlyArray<string>) =>
  Effect.runPromise(
    Command.run(Command.make("deal").pipe(Command.withSubcommands([command])), { name: "deal", version: "0" })(["node", "deal", ...args]).pipe(
      Effect.flip,
      Effect.map((e: unknown) => {
        const error = e as { readonly _tag?: string; readonly message?: string; readonly error?: unknown }
        return `${error._tag}: ${error.message ?? JSON.stringify(error.error)}`
      }),
      Effect.provide(NodeContext.layer)
    ) as Effect.Effect<string>
  )

describe("did you mean", () => {
  it("names the nearest known name for a typo, and nothing for a word far from all of them", () => {
    expect(closest("entropi", ["entropy", "margin", "bald"])).toBe("entropy")
    expect(closest("--n_rond", ["--n_round", "--n_query", "--seed"])).toBe("--n_round")
    expect(didYouMean("BALd", ["bald", "batchbald"])).toBe("; did you mean 'bald'?")
    expect(didYouMean("transformer", ["entropy", "margin"])).toBe("")
  })

  it("parses comma lists one way: items trimmed, empty ones dropped", () => {
    expect(commaList(" a, b ,,c ")).toEqual(["a", "b", "c"])
    expect(commaList(",")).toEqual([])
  })
})

describe("the flags every command shares", () => {
  it("are one declaration: deal run, deal label and deal serve take the same data, model and strategy flags", () => {
    for (const key of ["dataset", "text", "features", "imgSize", "backbone", "model", "epochs", "batchSize", "learningRate", "strategy", "mcSamples", "seed", "backend"] as const) {
      expect(labelFlags[key]).toBe(runFlags[key])
      expect(serveFlags[key]).toBe(runFlags[key])
    }
  })

  it("check strategy and model names against the catalogues in every command, with a did-you-mean", async () => {
    const check = async <N extends string, R, E, A>(command: Command.Command<N, R, E, A>, args: ReadonlyArray<string>) => {
      expect(await failureOf(command, [...args, "--strategy_name", "entropi"])).toMatch(/--strategy_name: 'entropi' is not one of .*; did you mean 'entropy'\?/)
      expect(await failureOf(command, [...args, "--model", "mpl"])).toMatch(/--model: 'mpl' is not one of .*; did you mean 'mlp'\?/)
    }
    await check(runCommand, ["run"])
    await check(labelCommand, ["label", "--dataset_name", "jsonl:mail.jsonl"])
    await check(serveCommand, ["serve", "--label-studio", "--dataset_name", "jsonl:mail.jsonl"])
  })

  it("refuse an unknown flag with the nearest one, and a flag given twice", () => {
    expect(flagProblem(["run", "--n_rond", "3"])).toBe("deal run has no flag --n_rond; did you mean --n_round? (deal run --help lists them)")
    expect(flagProblem(["label", "--retrain-evry", "3"])).toBe("deal label has no flag --retrain-evry; did you mean --retrain-every? (deal label --help lists them)")
    expect(flagProblem(["label", "export", "DIR", "--fromat", "csv"])).toMatch(/^deal label export has no flag --fromat; did you mean --format\?/)
    expect(flagProblem(["run", "--n_round", "3", "--n-round", "4"])).toBe("--n-round is given twice: give each flag once")
    expect(flagProblem(["run", "--n-round", "3", "--seed=2", "--help"])).toBeUndefined()
    expect(flagProblem(["serve", "--label_studio", "--label-studio"])).toBe("--label-studio is given twice: give each flag once")
    // a value is not a flag, whatever it starts with
    expect(flagProblem(["experiment", "grid.json", "--slurm", "--slurm_args", "--partition=cpu --time=00:30:00"])).toBeUndefined()
  })
})

describe("deal experiment", () => {
  it("takes one way to run the cells: --slurm with --queue is refused in one line", async () => {
    expect(await failureOf(experimentCommand, ["experiment", "grid.json", "--slurm", "--queue", "redis://127.0.0.1:6379"])).toBe(
      "SpecError: give one of --cell, --slurm, --queue and --k8s: got --slurm and --queue"
    )
  })

  it("reads `status DIR` as its own form, without rewriting the command line", async () => {
    expect(await failureOf(experimentCommand, ["experiment", "status"])).toBe("SpecError: deal experiment status: expected the grid's directory, e.g. deal experiment status runs/gal-2017")
  })
})
