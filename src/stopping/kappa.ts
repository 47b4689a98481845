/**
 * Cohen's kappa between two labelings of the same items:
 * κ = (p_o − p_e) / (1 − p_e), with p_o the observed agreement and p_e = Σ_k a_k·b_k the
 * agreement expected from the two labelings' class frequencies a and b.
 * Identical labelings give κ = 1, including the degenerate case where both give every item one
 * class (p_e = 1, where the formula is 0/0; small-text makes the same choice).
 */
export const cohenKappa = (a: ArrayLike<number>, b: ArrayLike<number>, numClasses: number): number => {
  const n = a.length
  if (n !== b.length) throw new RangeError(`kappa needs equal lengths, got ${n} and ${b.length}`)
  if (n === 0) return 1
  const fa = new Float64Array(numClasses)
  const fb = new Float64Array(numClasses)
  let agree = 0
  for (let i = 0; i < n; i++) {
    fa[a[i]]++
    fb[b[i]]++
    if (a[i] === b[i]) agree++
  }
  const po = agree / n
  let pe = 0
  for (let k = 0; k < numClasses; k++) pe += (fa[k] / n) * (fb[k] / n)
  if (po === 1) return 1
  return (po - pe) / (1 - pe)
}
