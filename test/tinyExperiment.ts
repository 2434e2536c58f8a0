/** An experiment small enough for any test: two repeats of 20 Adam steps, checkpoints at 0, 10, 20, well under a second. */
export const TINY_EXPERIMENT = `experiment icl
n = 4
d = 3
seed = 0
batch = 16
steps = 20
every = 10
tasks = 20
etatasks = 20
etacount = 10
repeats = 2
`;
