import { random } from "./random.js"
import type { Strategy } from "./strategy.js"
import { entropy, leastConfidence, margin } from "./uncertainty.js"

/** Every built-in strategy. */
export const strategyCatalogue: ReadonlyArray<Strategy> = [random, leastConfidence, margin, entropy]

/** All names and aliases the catalogue accepts. */
export const strategyNames = (catalogue: ReadonlyArray<Strategy> = strategyCatalogue): ReadonlyArray<string> =>
  catalogue.flatMap((s) => [s.name, ...s.aliases])

/** The strategy with this name or alias (exact, then case-insensitive). */
export const findStrategy = (name: string, catalogue: ReadonlyArray<Strategy> = strategyCatalogue): Strategy | undefined =>
  catalogue.find((s) => s.name === name || s.aliases.includes(name)) ??
  catalogue.find((s) => [s.name, ...s.aliases].some((n) => n.toLowerCase() === name.toLowerCase()))
