/** Mean of a (typed) array; 0 when empty. */
export const mean = (xs: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i]
  return xs.length === 0 ? 0 : s / xs.length
}
