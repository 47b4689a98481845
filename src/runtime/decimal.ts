/** A decimal number as people write it: `10`, `0.05`, `.5`, `5e-3`; no sign, hex, `Infinity` or empty text, which `Number` would take. */
const DECIMAL = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/** The value of a non-negative decimal number written in `text` (surrounding spaces allowed), else undefined. */
export const parseDecimal = (text: string): number | undefined => {
  const t = text.trim()
  return DECIMAL.test(t) ? Number(t) : undefined
}

/** The value of a non-negative integer written in decimal digits, else undefined. */
export const parseDecimalInteger = (text: string): number | undefined => {
  const t = text.trim()
  return /^\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : undefined
}
